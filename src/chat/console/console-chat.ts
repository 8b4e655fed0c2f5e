import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import type { Button, Message } from '../../domain/message.ts';
import type { PostedMessage, ReplyPort } from '../../domain/reply.ts';
import type { Actor, ChatRequest, Conversation, Origin } from '../../domain/request.ts';
import type { Dispatch } from '../adapter.ts';
import { renderText } from '../text/render.ts';

export interface ConsoleChatOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where each line goes as a request; never throws. */
  dispatch: Dispatch;
  /** Applied to everything written, as to everything posted to any chat. */
  redact: (text: string) => string;
  interactive: boolean;
}

const PROMPT = 'connector-ops> ';

/** The person at the terminal: one identity, `console`, whatever their login name. */
export const CONSOLE_ACTOR: Actor = { platform: 'console', id: 'console', displayName: consoleUser() };
/** The terminal is always private: nobody else reads it. */
export const CONSOLE_CONVERSATION: Conversation = { platform: 'console', id: 'console', private: true };

/**
 * A terminal chat: a person types `/connector health` (or just `health`), reads the reply as text,
 * and presses a button by typing its number. Lines are answered one after another, so piped input
 * (a script) gets its answers in order; the chat ends at end of input or on `exit`.
 */
export class ConsoleChat {
  private choices: Button[] = [];
  private pendingConfirm?: Button;
  private posts = 0;

  private readonly options: ConsoleChatOptions;

  constructor(options: ConsoleChatOptions) {
    this.options = options;
  }

  /** Resolves when the input ends or the person types `exit`. */
  async run(signal?: AbortSignal): Promise<void> {
    const rl = createInterface({
      input: this.options.input,
      output: this.options.interactive ? this.options.output : undefined,
      terminal: this.options.interactive,
      prompt: PROMPT,
    });
    const onAbort = () => rl.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (this.options.interactive) {
      this.write('connector-ops console. Type "/connector help" for the commands, "exit" to leave.');
      rl.prompt();
    }
    try {
      for await (const line of rl) {
        const done = await this.answer(line.trim());
        if (done) break;
        if (this.options.interactive) rl.prompt();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      rl.close();
    }
  }

  /** Returns true when the person asked to leave. */
  private async answer(line: string): Promise<boolean> {
    if (line === '') return false;
    if (this.pendingConfirm) {
      const button = this.pendingConfirm;
      this.pendingConfirm = undefined;
      if (/^(y|yes)$/i.test(line)) await this.send(button.command, 'button');
      else this.write('Cancelled.');
      return false;
    }
    if (/^(exit|quit|\\q)$/i.test(line)) return true;
    if (/^\d+$/.test(line)) {
      const button = this.choices[Number(line) - 1];
      if (!button) {
        this.write(
          this.choices.length > 0
            ? `There is no choice ${line}; pick 1 to ${this.choices.length}.`
            : 'There is nothing to choose: type a command such as "/connector help".',
        );
        return false;
      }
      if (button.confirm) {
        this.pendingConfirm = button;
        this.write(`${button.confirm.title}: ${button.confirm.text} [y/N]`);
        return false;
      }
      await this.send(button.command, 'button');
      return false;
    }
    await this.send(line, 'typed');
    return false;
  }

  private async send(text: string, origin: Origin): Promise<void> {
    const request: ChatRequest = {
      id: randomUUID(),
      text,
      actor: CONSOLE_ACTOR,
      conversation: CONSOLE_CONVERSATION,
      origin,
      receivedAt: new Date(),
    };
    await this.options.dispatch(request, this.replyPort());
  }

  /** The terminal's reply port: nothing to acknowledge, every post and update printed in turn. */
  private replyPort(): ReplyPort {
    const print = (message: Message): PostedMessage => {
      this.show(message);
      return { id: String(++this.posts) };
    };
    return {
      acknowledge: async () => undefined,
      post: async (message) => print(message),
      update: async (_posted, message) => {
        print(message);
      },
      replyInThread: async (_posted, message) => print(message),
    };
  }

  /** A message that no request asked for (a scheduled report): shown between the answers, its buttons usable. */
  announce(message: Message): void {
    this.show(message);
  }

  private show(message: Message): void {
    const rendered = renderText(message);
    this.choices = rendered.choices;
    this.write(rendered.text);
    if (rendered.choices.length > 0) this.write('Type a number to choose.');
  }

  private write(text: string): void {
    this.options.output.write(`${this.options.redact(text)}\n`);
  }
}

function consoleUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'console';
  }
}

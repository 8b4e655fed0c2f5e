import { createInterface } from 'node:readline';
import type { Message } from '../../domain/message.ts';
import type { Button } from '../../domain/message.ts';
import { renderText } from '../text/render.ts';

export interface ConsoleChatOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Answers one line of input; never throws. */
  handle: (input: string) => Promise<Message>;
  /** Applied to everything written, as to everything posted to any chat. */
  redact: (text: string) => string;
  interactive: boolean;
}

const PROMPT = 'connector-ops> ';

/**
 * A terminal chat: a person types `/connector health` (or just `health`), reads the reply as text,
 * and presses a button by typing its number. Lines are answered one after another, so piped input
 * (a script) gets its answers in order; the chat ends at end of input or on `exit`.
 */
export class ConsoleChat {
  private choices: Button[] = [];
  private pendingConfirm?: Button;

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
      if (/^(y|yes)$/i.test(line)) await this.send(button.command);
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
      await this.send(button.command);
      return false;
    }
    await this.send(line);
    return false;
  }

  private async send(input: string): Promise<void> {
    const message = await this.options.handle(input);
    const rendered = renderText(message);
    this.choices = rendered.choices;
    this.write(rendered.text);
    if (rendered.choices.length > 0) this.write('Type a number to choose.');
  }

  private write(text: string): void {
    this.options.output.write(`${this.options.redact(text)}\n`);
  }
}

import type { ChatAdapter, Dispatch } from '../adapter.ts';
import type { ConversationTransport } from '../../delivery/transport.ts';
import { ConsoleChat } from './console-chat.ts';

export interface ConsoleAdapterOptions {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  dispatch: Dispatch;
  redact: (text: string) => string;
}

/** The terminal as a chat adapter: it ends when its input does (or on `exit`). */
export class ConsoleAdapter implements ChatAdapter {
  readonly name = 'console';
  readonly ended: Promise<void>;
  private readonly stopping = new AbortController();
  private startChat!: () => void;
  private readonly chat: ConsoleChat;
  private posts = 0;

  constructor(options: ConsoleAdapterOptions) {
    const chat = (this.chat = new ConsoleChat({
      input: options.input,
      output: options.output,
      interactive: options.input.isTTY === true,
      redact: options.redact,
      dispatch: options.dispatch,
    }));
    this.ended = new Promise<void>((resolve) => {
      this.startChat = resolve;
    }).then(() => chat.run(this.stopping.signal));
  }

  async start(): Promise<void> {
    this.startChat();
  }

  /** Posts to the `console` conversation, for the outbox: printed in turn (a thread reply or an update too). */
  transport(): ConversationTransport {
    return {
      platform: 'console',
      post: async (_conversation, message) => {
        this.chat.announce(message);
        return { ref: String(++this.posts) };
      },
      update: async (_conversation, _ref, message) => this.chat.announce(message),
    };
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.ended;
  }
}

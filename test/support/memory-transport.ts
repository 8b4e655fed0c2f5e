import { MessageGoneError, parseConversation, type ConversationTransport, type PostOptions } from '../../src/delivery/transport.ts';
import type { Message } from '../../src/domain/message.ts';

export interface ShownMessage {
  ref: string;
  text: string;
  edits: number;
  /** The ref of the message it replies to, for a reply in a thread. */
  threadOf?: string;
  /** The message as last posted or updated, for what the text alone does not say (buttons). */
  message: Message;
}

/**
 * A chat platform's stand-in for the outbox (platform `memory`, or as given): records what reached each
 * conversation; scripted failures and holds, one per call; a deleted message cannot be updated (MessageGoneError).
 */
export class MemoryTransport implements ConversationTransport {
  readonly platform: string;
  /** What each conversation shows, by ref; in the order posted. */
  readonly shown = new Map<string, ShownMessage[]>();
  readonly calls: Array<{ kind: 'post' | 'update'; conversation: string; text: string; ref?: string; threadOf?: string }> = [];
  overlaps = 0;
  private readonly script: Array<unknown> = [];
  private readonly busy = new Set<string>();
  private seq = 0;

  constructor(platform = 'memory') {
    this.platform = platform;
  }

  /** The next calls throw these errors, or, for a promise, wait for it first. */
  next(...outcomes: unknown[]): void {
    this.script.push(...outcomes);
  }

  /** Texts shown in a conversation, by its outbox id (`memory:ops`; the transport is given `ops`). */
  texts(conversation: string): string[] {
    return this.messages(conversation).map((m) => m.text);
  }

  /** What a conversation shows, by its outbox id (`slack:C0123ABCD`) or its id within the platform. */
  messages(conversation: string): ShownMessage[] {
    const { platform, id } = parseConversation(conversation);
    return this.shown.get(platform === this.platform ? id : conversation) ?? [];
  }

  /** Someone deleted a message: it is no longer shown, and cannot be updated. */
  delete(ref: string): void {
    for (const [conversation, messages] of this.shown) this.shown.set(conversation, messages.filter((m) => m.ref !== ref));
  }

  async post(conversation: string, message: Message, options: PostOptions = {}): Promise<{ ref: string }> {
    await this.enter('post', conversation, message, undefined, options.threadOf);
    const ref = `m:${conversation}:${++this.seq}`;
    this.shown.set(conversation, [...(this.shown.get(conversation) ?? []), { ref, text: message.text, edits: 0, message, ...(options.threadOf && { threadOf: options.threadOf }) }]);
    return { ref };
  }

  async update(conversation: string, ref: string, message: Message): Promise<void> {
    await this.enter('update', conversation, message, ref);
    const shown = this.shown.get(conversation)?.find((m) => m.ref === ref);
    if (!shown) throw new MessageGoneError(`no message ${ref}`);
    Object.assign(shown, { text: message.text, message, edits: shown.edits + 1 });
  }

  private async enter(kind: 'post' | 'update', conversation: string, message: Message, ref?: string, threadOf?: string): Promise<void> {
    this.calls.push({ kind, conversation, text: message.text, ...(ref && { ref }), ...(threadOf && { threadOf }) });
    if (this.busy.has(conversation)) this.overlaps++;
    this.busy.add(conversation);
    try {
      const outcome = this.script.shift();
      if (outcome instanceof Promise) await outcome;
      else if (outcome !== undefined) throw outcome;
    } finally {
      this.busy.delete(conversation);
    }
  }
}

import type { Logger } from '../logging/logger.ts';
import type { Message } from '../domain/message.ts';
import type { PostedMessage, ReplyPort, Visibility } from '../domain/reply.ts';

export class AcknowledgedTwiceError extends Error {
  constructor(requestId: string) {
    super(`request ${requestId} was acknowledged twice`);
    this.name = 'AcknowledgedTwiceError';
  }
}

export interface ReplyGuardOptions {
  requestId: string;
  logger: Logger;
  /** The platform's limit for the acknowledgement (Slack: 3 s); missing it is logged. */
  ackDeadlineMs: number;
}

/**
 * Wraps an adapter's reply port with the rules every adapter shares (as bolt-js's HTTPResponseAck does for
 * its receiver): one acknowledgement, a warning when it comes too late or not at all.
 */
export class GuardedReply implements ReplyPort {
  private acknowledged = false;
  private readonly timer: NodeJS.Timeout;
  private readonly port: ReplyPort;
  private readonly options: ReplyGuardOptions;
  private readonly started = performance.now();

  constructor(port: ReplyPort, options: ReplyGuardOptions) {
    this.port = port;
    this.options = options;
    this.timer = setTimeout(() => {
      options.logger.warn({ requestId: options.requestId, ackDeadlineMs: options.ackDeadlineMs }, 'request not acknowledged in time');
    }, options.ackDeadlineMs);
    this.timer.unref();
  }

  get isAcknowledged(): boolean {
    return this.acknowledged;
  }

  async acknowledge(): Promise<void> {
    if (this.acknowledged) throw new AcknowledgedTwiceError(this.options.requestId);
    this.acknowledged = true;
    clearTimeout(this.timer);
    const ms = performance.now() - this.started;
    if (ms > this.options.ackDeadlineMs) this.options.logger.warn({ requestId: this.options.requestId, ms: Math.round(ms) }, 'request acknowledged late');
    await this.port.acknowledge();
  }

  post(message: Message, visibility: Visibility): Promise<PostedMessage> {
    return this.port.post(message, visibility);
  }

  update(posted: PostedMessage, message: Message): Promise<void> {
    return this.port.update(posted, message);
  }

  replyInThread(posted: PostedMessage, message: Message): Promise<PostedMessage> {
    return this.port.replyInThread(posted, message);
  }

  /** The request is done: a guard that never saw its acknowledgement stops waiting for it. */
  close(): void {
    clearTimeout(this.timer);
  }
}

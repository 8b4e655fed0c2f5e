import type { ServerResponse } from 'node:http';
import { ReceiverMultipleAckError, type AckFn } from '@slack/bolt';
import type { Logger } from '../../logging/logger.ts';

/** Slack waits 3 s for the answer; Bolt gives up a moment after, with a 404, and so does this. */
const UNACKNOWLEDGED_AFTER_MS = 3_001;

/**
 * The acknowledgement of one HTTP delivery, as Bolt's listeners call it: it writes the HTTP answer at once (an
 * object as JSON, a text as text, nothing as an empty 200). A delivery no listener acknowledges is answered 404
 * after 3 s, as Bolt's own receiver does; a second acknowledgement throws, as Bolt's does.
 */
export class HttpAck {
  private readonly res: ServerResponse;
  private acknowledged = false;
  private readonly unanswered: NodeJS.Timeout;

  constructor(res: ServerResponse, logger: Logger) {
    this.res = res;
    this.unanswered = setTimeout(() => {
      if (this.acknowledged) return;
      logger.error('Slack delivery not acknowledged within 3 s: no listener took it; answered 404');
      if (!res.headersSent) res.writeHead(404).end();
    }, UNACKNOWLEDGED_AFTER_MS);
  }

  readonly fn: AckFn<unknown> = async (response) => {
    if (this.acknowledged) throw new ReceiverMultipleAckError();
    this.settle();
    if (this.res.headersSent) return;
    if (!response) this.res.writeHead(200).end();
    else if (typeof response === 'string') this.res.writeHead(200).end(response);
    else this.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(response));
  };

  /** No answer is due any more (acknowledged, or answered otherwise). */
  settle(): void {
    this.acknowledged = true;
    clearTimeout(this.unanswered);
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseForm, type ParsedUrlQuery } from 'node:querystring';
import { AuthorizationError, type App, type Receiver } from '@slack/bolt';
import type { Logger } from '../../logging/logger.ts';
import { deliveryProblem } from './delivery-shape.ts';
import { HttpAck } from './http-ack.ts';
import { readBody } from './read-body.ts';
import { signatureProblem } from './signature.ts';

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** A signed delivery refused before Bolt saw it, or a body that could not be taken; told what was wrong. */
  refused: (problem: string) => void;
}

const FORM = 'application/x-www-form-urlencoded';

/**
 * Slack over HTTP (/slack/events on the bot's own server) into Bolt, each request read, verified and parsed once:
 * the raw body up to 4 MB, Slack's signature over it (a timestamp more than 5 minutes away either way refused:
 * 401, empty), the body as Slack encodes it (slash commands as form fields, interactions as the form field
 * `payload`, events as JSON), its shape (see delivery-shape.ts: a signed body Bolt or the listeners cannot take is
 * refused with 400), then Bolt's `processEvent` with an acknowledgement that writes the HTTP answer. Slack's
 * `ssl_check` and `url_verification` are answered as Bolt answers them. The server listens; `start` and `stop` are
 * Bolt's to call and do nothing.
 */
export class SlackHttpReceiver implements Receiver {
  private readonly options: SlackHttpReceiverOptions;
  private app?: App;

  constructor(options: SlackHttpReceiverOptions) {
    this.options = options;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' }).end('Slack delivers with POST\n');
      return;
    }
    const read = await readBody(req);
    if ('problem' in read) return this.refuse(res, read.status, read.problem);
    const form = req.headers['content-type'] === FORM ? parseForm(read.body.toString()) : undefined;
    // Slack's check of the TLS certificate, unsigned as Bolt takes it: answered, and nothing of it is read further.
    if (form?.ssl_check === '1') return void res.writeHead(200).end();
    const unsigned = signatureProblem(this.options.signingSecret, req.headers, read.body);
    if (unsigned) {
      this.options.logger.warn({ problem: unsigned }, 'Slack request refused: not signed with the signing secret');
      return void res.writeHead(401).end();
    }
    const body = parsed(form, read.body);
    if (body === undefined) return this.refuse(res, 400, 'a body whose payload is not JSON');
    const problem = deliveryProblem(body);
    if (problem !== undefined) return this.refuse(res, 400, problem);
    const delivery = body as Record<string, unknown>;
    if (delivery.ssl_check === '1') return void res.writeHead(200).end();
    if (delivery.type === 'url_verification') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge: delivery.challenge }));
    await this.process(req, res, delivery);
  }

  private async process(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const ack = new HttpAck(res, this.options.logger);
    const retryNum = Number.parseInt(headerOf(req, 'x-slack-retry-num') ?? '', 10);
    const retryReason = headerOf(req, 'x-slack-retry-reason');
    try {
      await this.app!.processEvent({ body, ack: ack.fn, ...(Number.isFinite(retryNum) && { retryNum }), ...(retryReason !== undefined && { retryReason }) });
    } catch (error) {
      // Listener failures are the app's error handler's; what reaches here failed in Bolt itself. No detail goes out.
      ack.settle();
      if (res.headersSent) return void this.options.logger.error({ err: error }, 'Slack delivery failed after its acknowledgement');
      this.options.logger.error({ err: error }, 'Slack delivery failed before its acknowledgement');
      res.writeHead(error instanceof AuthorizationError ? 401 : 500).end();
    }
  }

  private refuse(res: ServerResponse, status: number, problem: string): void {
    this.options.refused(problem);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`refused: ${problem}\n`);
  }
}

/** The body as Bolt parses it: a form's `payload` field as JSON, else the form's fields; any other body as JSON. */
function parsed(form: ParsedUrlQuery | undefined, raw: Buffer): unknown {
  try {
    if (!form) return JSON.parse(raw.toString());
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : form;
  } catch {
    return undefined;
  }
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

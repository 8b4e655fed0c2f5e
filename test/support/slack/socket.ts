import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { payloadKind, type SlackPayload } from './payloads.ts';

/**
 * Slack's side of Socket Mode: the WebSocket that `apps.connections.open` hands out. It greets with
 * `hello`, sends envelopes and records the acks; an envelope not acked in time comes again with
 * `retry_attempt: 1` (Slack: about 4 s later), and that redelivery waits for a socket if none is
 * open, which makes it the only delivery of what was sent while the app was away.
 */

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: SlackPayload;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

/** An envelope to send; only `payload` is needed (its type follows from the payload). */
export type EnvelopeInput = Partial<Envelope> & { payload: SlackPayload };

export interface SocketAck {
  envelope_id: string;
  /** The ack's payload: `{}` for a bare ack, the response (e.g. `{text}`) when the ack carried one. */
  payload?: unknown;
  time: number;
  /** Which connection (1 = the first opened) carried it. */
  connection: number;
}

export interface SocketOptions {
  /** Delay before an unacked envelope is redelivered (default 4000, as Slack); false: never. */
  redeliveryDelayMs?: number | false;
  /** How long `send` waits for the ack (default 3000, Slack's deadline). */
  ackTimeoutMs?: number;
}

const HOST = 'applink-standin-1';

export class SocketModeStandin {
  /** Every envelope written to a socket, redeliveries included, in order. */
  readonly delivered: Envelope[] = [];
  readonly acks: SocketAck[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly open: { ws: WebSocket; connection: number }[] = [];
  private readonly waiting: Envelope[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<() => void>();
  private connectionCount = 0;
  private readonly appId: () => string;
  private readonly redeliveryDelayMs: number | false;
  private readonly ackTimeoutMs: number;

  constructor(appId: () => string, options: SocketOptions = {}) {
    this.appId = appId;
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 4000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
  }

  /** Connections opened so far (each greeted with `hello`). */
  get connections(): number {
    return this.connectionCount;
  }

  get openConnections(): number {
    return this.open.length;
  }

  /** A `ws://` URL with a single-use ticket, as apps.connections.open answers. */
  issueUrl(baseUrl: string): string {
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    return `${baseUrl.replace(/^http/, 'ws')}socket?ticket=${ticket}&app_id=${this.appId()}`;
  }

  /**
   * Sends an envelope to the newest open socket and resolves with the first ack of its envelope_id
   * that arrives from now on (rejects after the ack timeout), so a resent envelope_id waits anew.
   */
  send(input: EnvelopeInput, options: { timeoutMs?: number } = {}): Promise<SocketAck> {
    const from = this.acks.length;
    const type = input.type ?? envelopeType(input.payload);
    const envelope: Envelope = {
      envelope_id: input.envelope_id ?? randomUUID(),
      type,
      payload: input.payload,
      accepts_response_payload: input.accepts_response_payload ?? type === 'slash_commands',
      retry_attempt: input.retry_attempt ?? 0,
      retry_reason: input.retry_reason ?? '',
    };
    this.deliver(envelope, false);
    if (this.redeliveryDelayMs !== false) {
      this.later(this.redeliveryDelayMs, () => {
        if (!this.acks.slice(from).some((ack) => ack.envelope_id === envelope.envelope_id)) {
          this.deliver({ ...envelope, retry_attempt: envelope.retry_attempt + 1, retry_reason: 'timeout' }, true);
        }
      });
    }
    return this.ackFrom(from, envelope.envelope_id, options.timeoutMs ?? this.ackTimeoutMs);
  }

  /** Writes any text to the newest open socket, as it is: for messages no envelope type describes. */
  sendRaw(text: string): void {
    const target = this.open.findLast(({ ws }) => ws.readyState === WebSocket.OPEN);
    if (!target) throw new Error('no open Socket Mode connection to send to');
    target.ws.send(text);
  }

  /** The first ack for the envelope, already received or still to come. */
  waitForAck(envelopeId: string, timeoutMs = this.ackTimeoutMs): Promise<SocketAck> {
    return this.ackFrom(0, envelopeId, timeoutMs);
  }

  /** Resolves once `count` connections have been opened in all. */
  waitForConnections(count: number, timeoutMs = 10_000): Promise<number> {
    return this.until(() => (this.connectionCount >= count ? this.connectionCount : undefined), timeoutMs, `fewer than ${count} connections`);
  }

  /** Asks every open socket to reconnect (`refresh_requested`, `warning`, `link_disabled`), as Slack does. */
  disconnect(reason = 'refresh_requested'): void {
    for (const { ws } of this.open) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: HOST } }));
  }

  /** Cuts every open socket without a close frame, as a lost network does. */
  drop(): void {
    for (const { ws } of this.open) ws.terminate();
  }

  /** For the HTTP server's `upgrade` event: true if the request was for the socket endpoint. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'ws://standin');
    if (url.pathname !== '/socket') return false;
    const ticket = url.searchParams.get('ticket');
    if (ticket === null || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
    return true;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const { ws } of this.open) ws.terminate();
    this.wss.close();
  }

  private connected(ws: WebSocket): void {
    const connection = ++this.connectionCount;
    this.open.push({ ws, connection });
    ws.on('message', (data, isBinary) => !isBinary && this.received(data, connection));
    ws.on('close', () => {
      const index = this.open.findIndex((entry) => entry.ws === ws);
      if (index >= 0) this.open.splice(index, 1);
    });
    ws.on('error', () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.open.length,
        debug_info: { host: HOST, build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId() },
      }),
    );
    for (const envelope of this.waiting.splice(0)) this.deliver(envelope, true);
    this.notify();
  }

  private received(data: RawData, connection: number): void {
    let message: { envelope_id?: unknown; payload?: unknown };
    try {
      message = JSON.parse(data.toString()) as typeof message;
    } catch {
      return;
    }
    if (typeof message.envelope_id !== 'string') return;
    this.acks.push({ envelope_id: message.envelope_id, payload: message.payload, time: Date.now(), connection });
    this.notify();
  }

  /** Writes to the newest open socket; with none open, a redelivery waits for one and a first delivery is lost. */
  private deliver(envelope: Envelope, waitForSocket: boolean): void {
    const target = this.open.findLast(({ ws }) => ws.readyState === WebSocket.OPEN);
    if (target) {
      target.ws.send(JSON.stringify(envelope));
      this.delivered.push(envelope);
    } else if (waitForSocket) {
      this.waiting.push(envelope);
    }
  }

  private ackFrom(from: number, envelopeId: string, timeoutMs: number): Promise<SocketAck> {
    const found = (): SocketAck | undefined => this.acks.slice(from).find((ack) => ack.envelope_id === envelopeId);
    return this.until(found, timeoutMs, `no ack for envelope ${envelopeId}`);
  }

  private later(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  private until<T>(found: () => T | undefined, timeoutMs: number, failure: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = found();
        if (value === undefined) return false;
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${failure} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.listeners.add(listener);
    });
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function envelopeType(payload: SlackPayload): EnvelopeType {
  const kind = payloadKind(payload);
  return kind === 'command' ? 'slash_commands' : kind === 'interaction' ? 'interactive' : 'events_api';
}

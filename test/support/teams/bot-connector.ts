import type { IncomingMessage } from 'node:http';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from '../../../src/chat/teams/render-card.ts';
import { listen, sendJson, type Loopback } from './loopback.ts';

/** One call the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  /** From `/v3/` on: the activity's serviceUrl may have a path of its own (`…/emea/`). */
  path: string;
  conversationId?: string;
  /** The activity a reply answers (POST …/activities/{id}) or an update replaces (PUT). */
  activityId?: string;
  authorization?: string;
  body: Record<string, unknown> | undefined;
  /** The id the stand-in gave a new post or reply: what a card's button press names as its replyToId. */
  postedId?: string;
}

/** A status (with headers) to answer with, or no answer at all. */
export type ScriptedAnswer = { status: number; headers?: Record<string, string> } | { silence: true };

const ACTIVITIES = /^\/v3\/conversations\/(.+?)\/activities(?:\/([^/]+))?$/;

/**
 * The Bot Connector service on loopback, at the serviceUrl the activities name: it records every call (the
 * conversation id arrives unencoded, with its `;` `@` `:`; an activity id percent-encoded) and answers as the
 * service does, or as scripted: a status (a 429 with Retry-After), or silence.
 */
export class BotConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private posted = 0;
  private server?: Loopback;

  static async start(): Promise<BotConnector> {
    const connector = new BotConnector();
    connector.server = await listen(async (req, res) => {
      const answer = await connector.answer(req);
      if (answer) sendJson(res, answer.status, answer.body, answer.headers);
    });
    return connector;
  }

  /** The activities' serviceUrl, with the trailing slash Teams sends. */
  get serviceUrl(): string {
    return `${this.server!.url}/`;
  }

  get port(): number {
    return this.server!.port;
  }

  /** The next calls are answered with these, one each. */
  fault(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  /** The messages posted (replies and new posts), oldest first. */
  messages(): ConnectorCall[] {
    return this.calls.filter((call) => call.method === 'POST' && call.conversationId !== undefined && call.body?.type === 'message');
  }

  /** Polls until `find` returns something, for at most `timeoutMs`. */
  async waitFor<T>(find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`nothing arrived at the Bot Connector in ${timeoutMs} ms; calls: ${JSON.stringify(this.calls.map((c) => `${c.method} ${c.path}`))}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): Promise<void> {
    return this.server?.close() ?? Promise.resolve();
  }

  /** Undefined: no answer (the connection stays open until the stand-in closes). */
  private async answer(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> } | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '/';
    const path = url.slice(Math.max(0, url.indexOf('/v3/'))).split('?')[0]!;
    const route = ACTIVITIES.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      ...(route && { conversationId: route[1]! }),
      ...(route?.[2] && { activityId: decodeURIComponent(route[2]) }),
      ...(req.headers.authorization && { authorization: req.headers.authorization }),
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined,
    };
    this.calls.push(call);
    const scripted = this.script.shift();
    if (scripted && 'silence' in scripted) return undefined;
    if (scripted) return { status: scripted.status, body: { error: { code: 'Scripted', message: `scripted ${scripted.status}` } }, ...(scripted.headers && { headers: scripted.headers }) };
    if (call.method === 'POST' && path === '/v3/conversations') return { status: 201, body: { id: `19:new-${++this.posted}@thread.tacv2`, activityId: `posted-${this.posted}` } };
    if (call.method === 'POST' && route) {
      call.postedId = `posted-${++this.posted}`;
      return { status: 201, body: { id: call.postedId } };
    }
    if (call.method === 'PUT' && route?.[2]) return { status: 200, body: { id: call.activityId } };
    if (call.method === 'DELETE' && route?.[2]) return { status: 200, body: {} };
    return { status: 404, body: { error: { code: 'NotFound', message: `no route ${call.method} ${path}` } } };
  }
}

/** The Adaptive Cards a posted or updated activity carries, in order. */
export function cardsOf(call: ConnectorCall): AdaptiveCard[] {
  const attachments = (call.body?.attachments ?? []) as Array<{ contentType?: string; content?: AdaptiveCard }>;
  return attachments.flatMap((a) => (a.contentType === ADAPTIVE_CARD_CONTENT_TYPE && a.content ? [a.content] : []));
}

/** What a person reads on the cards of a call: every text, fact and button title, one per line, markdown's escapes undone. */
export function cardText(call: ConnectorCall): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'text' || key === 'title' || key === 'value') && typeof value === 'string') texts.push(value);
      else walk(value);
    }
  };
  walk(cardsOf(call));
  return texts.join('\n').replace(/\\([\\`*_{}[\]()#+\-.!<>~|])/g, '$1');
}

/** The Action.Execute buttons on the cards of a call, by title, with the command each runs. */
export function buttonsOf(call: ConnectorCall): Array<{ title: string; id: string; command: string }> {
  const found: Array<{ title: string; id: string; command: string }> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record['type'] === 'Action.Execute') found.push({ title: String(record['title']), id: String(record['id']), command: String((record['data'] as { command?: string })?.command) });
    Object.values(record).forEach(walk);
  };
  walk(cardsOf(call));
  return found;
}

/**
 * An `adaptiveCard/action` invoke's HTTP answer when it is a card (the card pressed, as the press made it), as a
 * call carrying that card, for cardsOf, cardText and buttonsOf; undefined when the answer is anything else.
 */
export function answeredCard(answer: { status: number; body: string }): ConnectorCall | undefined {
  if (answer.status !== 200) return undefined;
  const body = JSON.parse(answer.body) as { statusCode?: number; type?: string; value?: AdaptiveCard };
  if (body.statusCode !== 200 || body.type !== ADAPTIVE_CARD_CONTENT_TYPE || !body.value) return undefined;
  return { method: 'INVOKE', path: '', body: { attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: body.value }] } };
}

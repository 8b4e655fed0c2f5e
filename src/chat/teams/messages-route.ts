import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, TurnContext } from '@microsoft/agents-hosting';
import type { RouteHandler } from '../../http/server.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Claims, TeamsCloudAdapter } from './teams-cloud-adapter.ts';
import { webResponse } from './web-response.ts';

export const TEAMS_MESSAGES_PATH = '/api/messages';
/** Teams' activities are a few KB; a card's action a little more. */
const MAX_BODY_BYTES = 256 * 1024;

export interface MessagesRouteOptions {
  adapter: TeamsCloudAdapter;
  /** The turn, run by the SDK once the request is authenticated. */
  logic: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** Counts a request refused before any turn ran. */
  countRefused?: () => void;
}

/**
 * POST /api/messages, Teams' messaging endpoint on the bot's own server. The SDK's process() validates nothing:
 * every request's token is checked first (the SDK's JWT check, issuer included), and then the service URL the
 * activity names must be the very one its token vouches for, since replies (with the bot's bearer token) go there.
 * What fails either gets a 401, and nothing runs.
 */
export function messagesRoute(options: MessagesRouteOptions): RouteHandler {
  return { name: 'teams', handles: (path) => path === TEAMS_MESSAGES_PATH, handle: (req, res) => answer(options, req, res) };
}

async function answer(options: MessagesRouteOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { adapter, logger } = options;
  const refuse = (status: number, problem: string) => {
    options.countRefused?.();
    logger.warn({ status, problem }, 'Teams: a request refused before any handler ran');
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: problem }));
  };
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  // Refused before its body is read: most of what is not Teams has no token at all.
  if (!/^Bearer /i.test(req.headers.authorization ?? '')) return refuse(401, 'no bearer token');
  const body = await readJson(req);
  if ('problem' in body) return refuse(body.status, body.problem);
  const request: Request = { body: body.value, headers: req.headers, method: req.method };
  const response = webResponse(res);
  let authorized = false;
  await adapter.authorizeRequest(request, response, () => {
    authorized = true;
  });
  if (!authorized) {
    // The SDK has answered (401 with its reason); said here too, for the operator.
    options.countRefused?.();
    logger.warn({ status: res.statusCode, problem: (response.sent as Record<string, unknown> | undefined)?.['jwt-auth-error'] }, 'Teams: a request refused before any handler ran');
    return;
  }
  if (!serviceUrlVouched(request.user, body.value.serviceUrl)) return refuse(401, 'the activity names a service URL its token does not vouch for');
  if (!adapter.postsTo(body.value.serviceUrl as string)) return refuse(403, 'the service URL is not on one of TEAMS_SERVICE_HOSTS');
  try {
    await adapter.process(request, response, options.logic);
  } catch (error) {
    // process() throws on a body that is not an activity, before any turn: never with a stack trace to the caller.
    logger.warn({ err: error }, 'Teams: an activity could not be processed');
    if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not an activity' }));
    else res.end();
  }
}

/**
 * The token's `serviceurl` claim and the activity's `serviceUrl` name the same URL, compared whole (as botbuilder did;
 * the SDK's own check compares host names and lets a token without the claim through). Scheme and host are compared
 * without case, and a default port is the same as none.
 */
export function serviceUrlVouched(claims: Claims | undefined, serviceUrl: unknown): boolean {
  const claim: unknown = claims?.['serviceurl'];
  if (typeof claim !== 'string' || typeof serviceUrl !== 'string') return false;
  const vouched = href(claim);
  return vouched !== undefined && vouched === href(serviceUrl);
}

function href(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

type Body = { value: Record<string, unknown> } | { status: 400 | 413; problem: string };

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return { status: 413, problem: `a body over ${MAX_BODY_BYTES} bytes` };
      chunks.push(chunk);
    }
  } catch {
    return { status: 400, problem: 'a body that could not be read to its end' };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return { status: 400, problem: 'a body that is not JSON' };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { value: value as Record<string, unknown> } : { status: 400, problem: 'a body that is not an activity' };
}

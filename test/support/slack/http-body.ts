import type { IncomingMessage, ServerResponse } from 'node:http';

/** Reading requests and writing answers the way Slack's endpoints do. */

export type Params = Record<string, unknown>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Web API parameters: form fields (what the SDK always sends; objects arrive JSON-encoded), a
 * JSON body (Slack accepts it with a bearer token), multipart fields, and the query string.
 */
export async function parseParams(req: IncomingMessage, body: Buffer): Promise<Params> {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://standin').searchParams);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (type === 'application/json') {
    const parsed: unknown = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    return { ...query, ...(parsed as Params) };
  }
  if (type === 'multipart/form-data') {
    const form = await multipart(req, body);
    const fields: Params = {};
    for (const [key, value] of form) if (typeof value === 'string') fields[key] = value;
    return { ...query, ...fields };
  }
  return { ...query, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
}

/** The bytes of an upload: the first file part of a multipart body (what the SDK sends), else the raw body. */
export async function uploadedBytes(req: IncomingMessage, body: Buffer): Promise<Buffer> {
  if (!(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) return body;
  for (const [, value] of await multipart(req, body)) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return Buffer.alloc(0);
}

async function multipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
  // Node's fetch Response parses multipart bodies; no parser of our own needed.
  return new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
}

/** A bearer token from the Authorization header, else the `token` parameter (Slack accepts both). */
export function tokenOf(req: IncomingMessage, params: Params): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (match) return match[1];
  return typeof params.token === 'string' ? params.token : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

import type { IncomingMessage } from 'node:http';

/** Slack's payloads are a few kilobytes; Bolt's own receiver takes up to 4 MB, and so does ours. */
export const BODY_LIMIT = 4 * 1024 * 1024;

export type BodyRead = { body: Buffer } | { status: 400 | 413; problem: string };

/**
 * The raw body of a request, which the signature covers, up to `limit` bytes: a longer one (announced or sent)
 * is refused at once with 413, one cut off with 400. What is left of a refused body is the server's to discard.
 */
export function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<BodyRead> {
  const tooLarge = { status: 413, problem: `a body over ${limit} bytes` } as const;
  if (Number(req.headers['content-length']) > limit) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (read: BodyRead) => {
      req.off('data', onData).off('end', onEnd).off('error', onCut).off('close', onCut);
      resolve(read);
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) finish(tooLarge);
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length) });
    const onCut = () => finish({ status: 400, problem: 'a body that could not be read to its end' });
    req.on('data', onData).on('end', onEnd).on('error', onCut).on('close', onCut);
  });
}

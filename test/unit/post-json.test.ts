import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson } from '../../src/chat/post-json.ts';

let server: Server | undefined;

afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A loopback server that records each body and answers as `answer` says. */
async function listen(answer: (body: string, respond: (status: number) => void) => void): Promise<{ url: string; bodies: string[]; types: string[] }> {
  const bodies: string[] = [];
  const types: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      types.push(req.headers['content-type'] ?? '');
      answer(body, (status) => res.writeHead(status).end('a body to drop'));
    });
  });
  const port = await new Promise<number>((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
  return { url: `http://127.0.0.1:${port}/actions/T1/123/abc`, bodies, types };
}

describe('postJson', () => {
  it('sends the JSON and resolves with the status, success or not', async () => {
    const target = await listen((body, respond) => respond(body.includes('"fail"') ? 404 : 200));
    expect(await postJson(target.url, JSON.stringify({ text: 'ünïcode ✓' }), AbortSignal.timeout(5_000))).toBe(200);
    expect(await postJson(target.url, JSON.stringify({ text: 'fail' }), AbortSignal.timeout(5_000))).toBe(404);
    expect(target.bodies[0]).toBe('{"text":"ünïcode ✓"}');
    expect(target.types).toEqual(['application/json', 'application/json']);
  });

  it('gives up when the signal ends it: an answer that never comes', async () => {
    const target = await listen(() => undefined);
    await expect(postJson(target.url, '{}', AbortSignal.timeout(200))).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('refuses a URL that is not http or https, and says so', async () => {
    await expect(postJson('file:///etc/passwd', '{}', AbortSignal.timeout(1_000))).rejects.toThrow('cannot POST to a file: URL');
  });
});

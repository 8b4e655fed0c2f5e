import type { ServerResponse } from 'node:http';
import type { WebResponse } from '@microsoft/agents-hosting';

/**
 * A node:http response as the Agents SDK's WebResponse (what Express would give it). `send` ends the response:
 * the SDK's JWT check answers with `status(401).send(...)` and never calls `end()`; `end` may come twice.
 */
export function webResponse(res: ServerResponse): WebResponse & { sent?: unknown } {
  const web: WebResponse & { sent?: unknown } = {
    status(code) {
      res.statusCode = code;
      return web;
    },
    setHeader(name, value) {
      res.setHeader(name, value);
      return web;
    },
    send(body?: unknown) {
      if (res.writableEnded) return web;
      web.sent = body;
      if (body === undefined || body === null) res.end();
      else if (typeof body === 'string' || Buffer.isBuffer(body)) res.end(body);
      else {
        if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      }
      return web;
    },
    end() {
      if (!res.writableEnded) res.end();
      return web;
    },
    get headersSent() {
      return res.headersSent;
    },
    get writableEnded() {
      return res.writableEnded;
    },
  };
  return web;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';

/**
 * One route of the bot's HTTP server. `handles` decides from the path and headers alone, and never reads
 * the body: a handler such as Slack's receiver reads (and signs) the raw body itself.
 */
export interface RouteHandler {
  /** Names the route in logs. */
  readonly name: string;
  /** `path` is the request's path without its query string. */
  handles(path: string, req: IncomingMessage): boolean;
  /** Answers the request, method checks included. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface BotServerOptions {
  host: string;
  port: number;
  /** Asked in order: the first that handles a request answers it; none answers 404. */
  routes: RouteHandler[];
  logger: Logger;
}

/** The bot's own HTTP server: owns listening, timeouts, graceful close and failures; the routes own the answers. */
export class BotServer {
  private readonly server: Server;
  private closing = false;

  private readonly options: BotServerOptions;

  constructor(options: BotServerOptions) {
    this.options = options;
    this.server = createServer((req, res) => {
      // While closing, a keep-alive connection whose answer has gone out is hung up, so that a client
      // (a Prometheus scraper, a load balancer) does not hold close() open until its keep-alive times out.
      res.once('finish', () => {
        if (this.closing) setImmediate(() => this.server.closeIdleConnections());
      });
      void this.answer(req, res);
    });
    // Bound slow clients: the server stays responsive for probes.
    this.server.requestTimeout = 15_000;
    this.server.headersTimeout = 10_000;
  }

  /** Resolves with the bound port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : this.options.port);
      });
    });
  }

  /** Stops accepting connections, lets requests in flight finish, then closes idle keep-alive sockets. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.closing = true;
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  /** Never rejects: a route that throws, in `handles` or in `handle`, fails its request only. */
  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let route: RouteHandler | undefined;
    try {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      route = this.options.routes.find((candidate) => candidate.handles(path, req));
      if (route) await route.handle(req, res);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    } catch (error) {
      this.options.logger.error({ err: error, path: req.url, route: route?.name }, 'HTTP request failed');
      // Text appended to a half-sent answer would read as part of it: the client sees it cut off instead.
      if (res.headersSent) res.destroy();
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error\n');
    }
  }
}

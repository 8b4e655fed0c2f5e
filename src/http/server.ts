import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from './metrics.ts';

export interface Readiness {
  /** Names of what is not ready; empty when ready. */
  notReady(): string[];
}

export interface BotServerOptions {
  host: string;
  port: number;
  metrics: Metrics;
  readiness: Readiness;
  logger: Logger;
}

/** The bot's own HTTP server: /healthz (alive), /readyz (store open, adapters connected), /metrics. */
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
      this.handle(req, res).catch((error: unknown) => {
        options.logger.error({ err: error, path: req.url }, 'HTTP request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error\n');
      });
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    switch (path) {
      case '/healthz':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'alive' }));
        return;
      case '/readyz': {
        const notReady = this.options.readiness.notReady();
        res
          .writeHead(notReady.length === 0 ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(notReady.length === 0 ? { status: 'ready' } : { status: 'not ready', waitingFor: notReady }));
        return;
      }
      case '/metrics': {
        const body = await this.options.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': this.options.metrics.registry.contentType }).end(body);
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  }
}

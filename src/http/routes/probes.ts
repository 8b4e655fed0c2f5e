import type { ServerResponse } from 'node:http';
import type { EngineState, EngineStates } from '../../domain/engine-state.ts';
import type { Metrics } from '../metrics.ts';
import type { RouteHandler } from '../server.ts';

export interface Readiness {
  /** Names of what is not ready; empty when ready. */
  notReady(): string[];
}

/** /healthz, /readyz and /metrics, in that order. */
export function probeRoutes(options: { metrics: Metrics; readiness: Readiness; engines?: EngineStates }): RouteHandler[] {
  return [healthRoute(), readinessRoute(options.readiness, options.engines), metricsRoute(options.metrics)];
}

/** /healthz: 200 while the process lives. */
export function healthRoute(): RouteHandler {
  return probeRoute('health', '/healthz', (res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'alive' }));
  });
}

/**
 * /readyz: 200 when ready, 503 naming what it waits for. The body also names each Docker engine's state (sampled in
 * the background, so the answer waits on no engine); an engine that is down does not make the bot unready, since
 * it can still answer.
 */
export function readinessRoute(readiness: Readiness, engines?: EngineStates): RouteHandler {
  return probeRoute('readiness', '/readyz', (res) => {
    const notReady = readiness.notReady();
    const body = {
      ...(notReady.length === 0 ? { status: 'ready' } : { status: 'not ready', waitingFor: notReady }),
      ...(engines && { engines: Object.fromEntries(engines.states().map((state) => [state.engine, engineBody(state)])) }),
    };
    res.writeHead(notReady.length === 0 ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
}

function engineBody({ state, since, checkedAt, problem, fix }: EngineState): Record<string, string> {
  return { state, since: since.toISOString(), ...(checkedAt && { checkedAt: checkedAt.toISOString() }), ...(problem && { problem }), ...(fix && { fix }) };
}

/** /metrics: the Prometheus text format. */
export function metricsRoute(metrics: Metrics): RouteHandler {
  return probeRoute('metrics', '/metrics', async (res) => {
    const body = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
  });
}

/** A read-only route on one path: GET and HEAD (Node leaves the body out of a HEAD answer), 405 otherwise. */
function probeRoute(name: string, path: string, respond: (res: ServerResponse) => Promise<void> | void): RouteHandler {
  return {
    name,
    handles: (requestPath) => requestPath === path,
    handle: (req, res) => {
      if (req.method === 'GET' || req.method === 'HEAD') return respond(res);
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    },
  };
}

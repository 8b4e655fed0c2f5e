import type { MongoPing } from '../probes/probe-url.ts';
import type { ProbeResult } from '../probes/result.ts';
import { MongoInspector } from './client.ts';
import type { ConnectFailure } from './types.ts';

const FAILURE_KIND: Record<ConnectFailure, Extract<ProbeResult, { ok: false }>['kind']> = {
  refused: 'refused',
  auth: 'auth',
  timeout: 'timeout',
  unreachable: 'unreachable',
  'invalid-uri': 'invalid-url',
  aborted: 'timeout',
};

/** A MongoDB target of the third-party check, looked at with the official driver rather than a bare TCP connect. */
export function mongoPing(timeoutMs: number): MongoPing {
  return async (uri, signal) => {
    const snapshot = await new MongoInspector(uri, { timeoutMs }).snapshot(signal);
    if (!snapshot.reachable) return { ok: false, kind: FAILURE_KIND[snapshot.failure], reason: snapshot.error };
    const version = snapshot.version.ok ? `MongoDB ${snapshot.version.value}` : undefined;
    return { ok: true, latencyMs: snapshot.roundTripMs, ...(version ? { detail: version } : {}) };
  };
}

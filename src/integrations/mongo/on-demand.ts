import type { MongoPing } from '../probes/probe-url.ts';
import type { inspectWithDriver } from './client.ts';
import type { MongoSnapshot } from './types.ts';

// The MongoDB driver (over a hundred modules) loads with the first look at a database: a check run that looks at
// none (`connector-ops check --only health`) never reads it.

/** inspectWithDriver, with the driver loaded when first called. */
export const inspectOnDemand: typeof inspectWithDriver = async (uri: string, timeoutMs: number, signal: AbortSignal): Promise<MongoSnapshot> =>
  (await import('./client.ts')).inspectWithDriver(uri, timeoutMs, signal);

/** mongoPing, with the driver loaded when first called. */
export function mongoPingOnDemand(timeoutMs: number): MongoPing {
  return async (uri, signal) => (await import('./ping.ts')).mongoPing(timeoutMs)(uri, signal);
}

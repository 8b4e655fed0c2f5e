import type { CheckDetail } from '../domain/check-result.ts';
import { approximateDuration } from '../domain/duration.ts';
import type { ApiAnswer, SyncInfo } from '../integrations/connector-api/types.ts';
import { isObject } from '../integrations/is-object.ts';

export interface SyncOptions {
  /** A last sync run older than this many sync intervals warns. */
  intervalMultiple: number;
  /** The limit when the interval is unknown (Support not readable), in ms. */
  maxAgeMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = { intervalMultiple: 5, maxAgeMs: 15 * 60_000 };

/** The sync module's polling interval, or that it is off (a Connector on server-sent events, or none). */
export type SyncInterval = { seconds: number } | 'disabled';

/** `modules.sync` of Support's configuration; modules are found by their location too, as operators rename them. */
export function syncIntervalOf(configuration: unknown): SyncInterval | undefined {
  const modules = isObject(configuration) && isObject(configuration.modules) ? configuration.modules : undefined;
  if (!modules) return undefined;
  const module = Object.entries(modules).find(
    // 7.x names locations `@nmshd/connector:SyncModule`; older ones a path ending in `/sync/SyncModule`.
    ([key, value]) => isObject(value) && (key === 'sync' || (typeof value.location === 'string' && /(^|[/:])(sync|SyncModule)$/.test(value.location))),
  )?.[1];
  if (!isObject(module)) return undefined;
  if (module.enabled === false) return 'disabled';
  const seconds = Number(module.interval);
  return Number.isFinite(seconds) && seconds > 0 ? { seconds } : undefined;
}

/**
 * The age of the last sync run. `completedAt` stays at the last success while the Backbone is down, so its
 * age is how long the Connector has not synced; absent means it never completed one since its start.
 */
export function judgeSync(answer: ApiAnswer<SyncInfo>, interval: SyncInterval | undefined, now: Date, options: SyncOptions): CheckDetail {
  const label = 'last sync run';
  if (answer.kind === 'rejected') {
    const why = answer.httpStatus === 403 ? 'the API key lacks the core:account scope' : answer.reason;
    return { label, value: `not read: ${why}`, status: 'unknown' };
  }
  if (answer.kind === 'failed') return { label, value: `not read: ${answer.reason}`, status: 'unknown' };
  const completedAt = answer.value.lastSyncRun?.completedAt;
  if (interval === 'disabled') {
    return { label, value: `${completedAt ? ageText(now.getTime() - Date.parse(completedAt)) : 'never'} (sync module disabled: not judged)` };
  }
  const limitMs = interval ? interval.seconds * 1000 * options.intervalMultiple : options.maxAgeMs;
  const expected = interval ? `sync interval ${approximateDuration(interval.seconds * 1000)}` : 'sync interval unknown';
  if (!completedAt) return { label, value: `never (${expected})`, status: 'warn' };
  const at = Date.parse(completedAt);
  if (Number.isNaN(at)) return { label, value: `unreadable time ${JSON.stringify(completedAt.slice(0, 40))}`, status: 'unknown' };
  const ageMs = Math.max(0, now.getTime() - at);
  if (ageMs <= limitMs) return { label, value: ageText(ageMs), status: 'ok' };
  return { label, value: `${ageText(ageMs)} (older than ${approximateDuration(limitMs)}; ${expected})`, status: 'warn' };
}

function ageText(ms: number): string {
  return ms < 60_000 ? 'less than a minute ago' : `${approximateDuration(ms)} ago`;
}

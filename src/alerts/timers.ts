import type { Alert } from '../domain/alert.ts';

/** Alertmanager's timers, and the two of our own that decide when an episode ends. */
export interface AlertTimers {
  /** Before the first post of an alert: one resolved meanwhile posts nothing. */
  groupWaitMs: number;
  /** Between two updates of an alert's message. */
  groupIntervalMs: number;
  /** Before an alert still firing without change is posted again. */
  repeatIntervalMs: number;
  /** An error group without a new error for this long is resolved. */
  resolveMs: number;
  /** Health and thresholds: a state must hold this long before it fires or resolves. */
  holdMs: number;
}

/** What telling about an alert takes next: a first post, an update of its message, a reminder, its resolution. */
export type Notification = 'post' | 'update' | 'reminder' | 'resolved';

/**
 * The next notification an alert is due, and when; undefined when nothing is to be told (a pending alert,
 * an episode over, a firing error group whose every error fell into a silence, a once-only alert told).
 */
export function nextNotification(alert: Alert, timers: AlertTimers): { notification: Notification; at: number } | undefined {
  const notifiedAt = alert.notifiedAt?.getTime() ?? 0;
  if (alert.state === 'resolved') {
    if (!alert.dirty || alert.posts === 0) return undefined;
    return { notification: 'resolved', at: Math.max(alert.resolvedAt?.getTime() ?? 0, notifiedAt + timers.groupIntervalMs) };
  }
  if (alert.state !== 'firing') return undefined;
  if (alert.posts === 0) {
    return alert.dirty ? { notification: 'post', at: (alert.firedAt ?? alert.since).getTime() + timers.groupWaitMs } : undefined;
  }
  if (alert.dirty) return { notification: 'update', at: notifiedAt + timers.groupIntervalMs };
  return alert.once ? undefined : { notification: 'reminder', at: notifiedAt + timers.repeatIntervalMs };
}

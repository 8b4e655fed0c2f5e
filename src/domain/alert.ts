import { createHash } from 'node:crypto';

/**
 * What raised an alert: an error group of the followed log, or a check the probes run (health; resources
 * over their critical thresholds or a disk about to fill; key material about to expire; a new Connector
 * version of the same major).
 */
export type AlertKind = 'error-group' | 'health' | 'resources' | 'key-material' | 'image-update';
export type AlertSeverity = 'warn' | 'critical';
/** `pending`: seen, not yet held long enough (health, thresholds); `firing`; `resolved`: the episode is over. */
export type AlertState = 'pending' | 'firing' | 'resolved';

export interface Alert {
  /** Short and stable, for `/connector silence <id>`: the same connector, kind and key give the same id. */
  id: string;
  connector: string;
  kind: AlertKind;
  /** Within the connector and kind: the error group's normalised message, a resources line's label, … */
  key: string;
  severity: AlertSeverity;
  title: string;
  /** The error group's first sample, or the check's reading. */
  detail: string;
  state: AlertState;
  /** Occurrences in this episode (error groups); observations of the bad state otherwise. */
  count: number;
  fatal: number;
  /** When this episode began: the first error, or the first bad observation. */
  since: Date;
  /** The latest error, or the latest observation. */
  lastAt: Date;
  firedAt?: Date;
  resolvedAt?: Date;
  /** A firing state alert seen good since then, not yet for the hold time. */
  recoveringSince?: Date;
  /** Something changed since it was last told. */
  dirty: boolean;
  /** Messages posted in this episode (the first post and reminders); the newest is the one updates change. */
  posts: number;
  notifiedAt?: Date;
  /** The conversations the newest post went to: its updates go there, and only there. */
  conversations: string[];
  /** What a known Connector error means and the next step, in one line each. */
  hint?: { explanation: string; nextStep: string };
  /** Posted once and never repeated (a new version: once per version, like Diun). */
  once: boolean;
}

export function alertId(connector: string, kind: AlertKind, key: string): string {
  return createHash('sha256').update(`${connector}\0${kind}\0${key}`).digest('hex').slice(0, 10);
}

/** The outbox key of the alert's newest post in a conversation: updates name it. */
export function alertPostKey(alert: Pick<Alert, 'id' | 'posts'>): string {
  return `alert:${alert.id}:${alert.posts}`;
}

/** The alert whose post an outbox key (or an update's `updateOf`) names; undefined for other posts. */
export function alertIdOfPostKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : /^alert:([0-9a-f]+):\d+$/.exec(key)?.[1];
}

/** What silences: one alert, or every alert of one connector. */
export interface Silence {
  id: string;
  scope: 'alert' | 'connector';
  /** The alert's id or the connector's name. */
  target: string;
  startsAt: Date;
  endsAt: Date;
  reason?: string;
  /** Who silenced; absent when the bot did (an operation under way). */
  createdBy?: { platform: string; id: string; displayName: string };
  endedAt?: Date;
}

function silences(silence: Silence, alert: Pick<Alert, 'id' | 'connector'>, now: Date): boolean {
  if (silence.endedAt || now < silence.startsAt || now >= silence.endsAt) return false;
  return silence.scope === 'alert' ? silence.target === alert.id : silence.target === alert.connector;
}

/** The first of `all` that silences the alert at `now`, if any. */
export function silenceOf(all: readonly Silence[], alert: Pick<Alert, 'id' | 'connector'>, now: Date): Silence | undefined {
  return all.find((silence) => silences(silence, alert, now));
}

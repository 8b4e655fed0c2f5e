import type { Alert, AlertKind, AlertSeverity, AlertState } from '../domain/alert.ts';
import type { Store } from './store.ts';

/** Resolved alerts are kept this long: the daily report and `/connector alerts` look back a day. */
const KEEP_RESOLVED_MS = 8 * 86_400_000;

/** The alerts' state: one row per alert, its current (or last) episode and what was last told about it. */
export class AlertStore {
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  get(id: string): Alert | undefined {
    const row = this.store.db.prepare('SELECT * FROM alerts WHERE fingerprint = ?').get(id) as AlertRow | undefined;
    return row && fromRow(row);
  }

  /** Pending and firing alerts, and resolved ones whose resolution is still to be told. */
  open(): Alert[] {
    const rows = this.store.db.prepare(`SELECT * FROM alerts WHERE state <> 'resolved' OR dirty = 1 ORDER BY since`).all() as unknown as AlertRow[];
    return rows.map(fromRow);
  }

  /** The open alerts of one connector and kind. */
  openOf(connector: string, kind: AlertKind): Alert[] {
    const rows = this.store.db
      .prepare(`SELECT * FROM alerts WHERE connector = ? AND kind = ? AND state <> 'resolved' ORDER BY since`)
      .all(connector, kind) as unknown as AlertRow[];
    return rows.map(fromRow);
  }

  put(alert: Alert): void {
    this.store.db
      .prepare(
        `INSERT OR REPLACE INTO alerts (fingerprint, connector, kind, key, severity, title, detail, state, count, fatal, since, last_at,
           fired_at, resolved_at, recovering_since, dirty, posts, notified_at, extra)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        alert.id,
        alert.connector,
        alert.kind,
        alert.key,
        alert.severity,
        alert.title,
        alert.detail,
        alert.state,
        alert.count,
        alert.fatal,
        alert.since.getTime(),
        alert.lastAt.getTime(),
        alert.firedAt?.getTime() ?? null,
        alert.resolvedAt?.getTime() ?? null,
        alert.recoveringSince?.getTime() ?? null,
        alert.dirty ? 1 : 0,
        alert.posts,
        alert.notifiedAt?.getTime() ?? null,
        JSON.stringify({ conversations: alert.conversations, once: alert.once, hint: alert.hint }),
      );
  }

  /** Firing alerts by kind, for /metrics. */
  firingByKind(): Map<AlertKind, number> {
    const rows = this.store.db.prepare(`SELECT kind, COUNT(*) AS n FROM alerts WHERE state = 'firing' GROUP BY kind`).all() as Array<{ kind: AlertKind; n: number }>;
    return new Map(rows.map((row) => [row.kind, row.n]));
  }

  prune(now: Date): void {
    this.store.db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND dirty = 0 AND resolved_at < ?`).run(now.getTime() - KEEP_RESOLVED_MS);
  }
}

interface AlertRow {
  fingerprint: string;
  connector: string;
  kind: AlertKind;
  key: string;
  severity: AlertSeverity;
  title: string;
  detail: string;
  state: AlertState;
  count: number;
  fatal: number;
  since: number;
  last_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  recovering_since: number | null;
  dirty: number;
  posts: number;
  notified_at: number | null;
  extra: string;
}

function fromRow(row: AlertRow): Alert {
  const extra = JSON.parse(row.extra) as { conversations?: string[]; once?: boolean; hint?: Alert['hint'] };
  return {
    id: row.fingerprint,
    connector: row.connector,
    kind: row.kind,
    key: row.key,
    severity: row.severity,
    title: row.title,
    detail: row.detail,
    state: row.state,
    count: row.count,
    fatal: row.fatal,
    since: new Date(row.since),
    lastAt: new Date(row.last_at),
    ...(row.fired_at !== null && { firedAt: new Date(row.fired_at) }),
    ...(row.resolved_at !== null && { resolvedAt: new Date(row.resolved_at) }),
    ...(row.recovering_since !== null && { recoveringSince: new Date(row.recovering_since) }),
    dirty: row.dirty === 1,
    posts: row.posts,
    ...(row.notified_at !== null && { notifiedAt: new Date(row.notified_at) }),
    conversations: extra.conversations ?? [],
    once: extra.once === true,
    ...(extra.hint && { hint: extra.hint }),
  };
}

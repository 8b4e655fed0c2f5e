import type { DatabaseSync } from 'node:sqlite';
import { chainExistingEntries } from './audit-chain.ts';

/** SQL, or work that SQL alone cannot do (a hash), run in the migration's transaction. */
export type Migration = string | ((db: DatabaseSync) => void);

/**
 * Tamper evidence: each audit entry stores the hash of the entry before it and its own (audit-chain.ts). The
 * entries already written are chained now, trusted as of this upgrade.
 */
export function chainAuditLog(db: DatabaseSync): void {
  db.exec('ALTER TABLE audit_log ADD COLUMN prev_hash TEXT; ALTER TABLE audit_log ADD COLUMN hash TEXT;');
  chainExistingEntries(
    db,
    `CREATE TRIGGER audit_log_never_changed BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;`,
  );
}

/**
 * Teams: where each conversation the bot was installed in or messaged is reached (the Agents SDK's conversation
 * reference: service URL, conversation, tenant, the bot's own account), for posts outside of any request.
 */
export const TEAMS_CONVERSATIONS = `CREATE TABLE teams_conversations (
   conversation TEXT PRIMARY KEY,
   reference TEXT NOT NULL,
   updated_at INTEGER NOT NULL
 ) WITHOUT ROWID;`;

/** Append only: each entry is one schema version. Never edit a migration that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE disk_samples (
     path TEXT NOT NULL,
     sampled_at INTEGER NOT NULL,
     used_bytes INTEGER NOT NULL,
     total_bytes INTEGER NOT NULL,
     PRIMARY KEY (path, sampled_at)
   ) WITHOUT ROWID;`,
  // Operations: one row per request; at most one active request per connector, enforced by the index
  // itself so that two bot processes on one DATA_DIR cannot both take a connector.
  `CREATE TABLE operation_requests (
     id TEXT PRIMARY KEY,
     connector TEXT NOT NULL,
     kind TEXT NOT NULL,
     params TEXT NOT NULL,
     reason TEXT,
     state TEXT NOT NULL,
     requested_by TEXT NOT NULL,
     conversation TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     decided_by TEXT,
     decided_at INTEGER,
     self_approved INTEGER NOT NULL DEFAULT 0,
     outcome TEXT,
     message TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE UNIQUE INDEX operation_requests_one_active ON operation_requests (connector)
     WHERE state IN ('pending', 'approved', 'executing');
   CREATE INDEX operation_requests_created ON operation_requests (created_at);
   CREATE TABLE audit_log (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     event TEXT NOT NULL,
     request_id TEXT,
     connector TEXT,
     operation TEXT,
     actor TEXT,
     actor_name TEXT,
     detail TEXT NOT NULL
   );
   CREATE INDEX audit_log_at ON audit_log (at);
   CREATE TRIGGER audit_log_never_changed BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END;
   CREATE TRIGGER audit_log_never_deleted BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit entries are never deleted'); END;
   CREATE TABLE stop_markers (
     marker_id TEXT PRIMARY KEY,
     connector TEXT NOT NULL,
     stopped_at INTEGER NOT NULL,
     request_id TEXT,
     image TEXT,
     digest TEXT,
     sync_info TEXT,
     optime TEXT,
     database_marker INTEGER NOT NULL
   );
   CREATE INDEX stop_markers_connector ON stop_markers (connector, stopped_at);`,
  // Who runs an executing request (host:pid) and when it last said so: another process on the same DATA_DIR
  // leaves a live run alone, and only a run whose owner is gone is interrupted.
  `ALTER TABLE operation_requests ADD COLUMN executor TEXT;
   ALTER TABLE operation_requests ADD COLUMN heartbeat_at INTEGER;`,
  // Deliveries seen from a chat platform, by what stays the same across its redeliveries: each runs once.
  `CREATE TABLE deliveries (
     key TEXT PRIMARY KEY,
     seen_at INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX deliveries_seen ON deliveries (seen_at);`,
  // The outbox of scheduled posts: the id is the order of enqueueing, next_at both the retry time and the
  // lease of an item in flight; an update names its post by key, within its conversation.
  `CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     conversation TEXT NOT NULL,
     message TEXT NOT NULL,
     key TEXT,
     update_of TEXT,
     state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
     attempts INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     next_at INTEGER NOT NULL,
     last_error TEXT,
     ref TEXT,
     settled_at INTEGER,
     CHECK (key IS NULL OR update_of IS NULL)
   );
   CREATE INDEX outbox_pending ON outbox (conversation, id) WHERE state = 'pending';
   CREATE INDEX outbox_keys ON outbox (conversation, key) WHERE key IS NOT NULL;
   CREATE INDEX outbox_settled ON outbox (settled_at) WHERE state <> 'pending';`,
  // Runs of the schedules (the daily report), one per schedule and instant: the primary key is the claim, so
  // two bot processes on one DATA_DIR, or a restart, never both run an instant; posted_at stays empty until the
  // run's posts are in the outbox, so a run cut off in the middle is found and finished.
  `CREATE TABLE scheduled_runs (
     schedule TEXT NOT NULL,
     scheduled_for INTEGER NOT NULL,
     claimed_at INTEGER NOT NULL,
     heartbeat_at INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 1,
     posted_at INTEGER,
     PRIMARY KEY (schedule, scheduled_for)
   ) WITHOUT ROWID;`,
  // Conversations subscribed in chat to the daily report or to alerts (the configuration's come on top).
  `CREATE TABLE subscriptions (
     conversation TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('reports', 'alerts')),
     min_severity TEXT NOT NULL CHECK (min_severity IN ('warn', 'critical')),
     subscribed_by TEXT NOT NULL,
     since INTEGER NOT NULL,
     PRIMARY KEY (conversation, kind)
   ) WITHOUT ROWID;`,
  // Alerts: one row per alert (a connector's error group, health, a threshold, an expiry, a new version), its
  // current episode and what was last told about it; `posts` names the episode's newest message in the outbox
  // (`alert:<fingerprint>:<posts>`), `dirty` says that something changed since then.
  `CREATE TABLE alerts (
     fingerprint TEXT PRIMARY KEY,
     connector TEXT NOT NULL,
     kind TEXT NOT NULL,
     key TEXT NOT NULL,
     severity TEXT NOT NULL CHECK (severity IN ('warn', 'critical')),
     title TEXT NOT NULL,
     detail TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
     count INTEGER NOT NULL DEFAULT 0,
     fatal INTEGER NOT NULL DEFAULT 0,
     since INTEGER NOT NULL,
     last_at INTEGER NOT NULL,
     fired_at INTEGER,
     resolved_at INTEGER,
     recovering_since INTEGER,
     dirty INTEGER NOT NULL DEFAULT 0,
     posts INTEGER NOT NULL DEFAULT 0,
     notified_at INTEGER,
     extra TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX alerts_active ON alerts (state) WHERE state <> 'resolved';
   CREATE INDEX alerts_connector ON alerts (connector);
   -- Error events per connector, group and hour, for the daily report: its cost does not grow with the logs.
   CREATE TABLE error_counts (
     connector TEXT NOT NULL,
     key TEXT NOT NULL,
     hour INTEGER NOT NULL,
     count INTEGER NOT NULL,
     fatal INTEGER NOT NULL,
     sample TEXT NOT NULL,
     PRIMARY KEY (connector, key, hour)
   ) WITHOUT ROWID;
   CREATE INDEX error_counts_hour ON error_counts (hour);
   -- Silences: an alert (by fingerprint) or a whole connector, until ends_at or until ended by someone.
   CREATE TABLE silences (
     id TEXT PRIMARY KEY,
     scope TEXT NOT NULL CHECK (scope IN ('alert', 'connector')),
     target TEXT NOT NULL,
     starts_at INTEGER NOT NULL,
     ends_at INTEGER NOT NULL,
     reason TEXT,
     created_by TEXT,
     ended_at INTEGER
   );
   CREATE INDEX silences_ends ON silences (ends_at);
   -- Where each followed log of a connector was last read to: committed with the counts of what was read.
   CREATE TABLE log_positions (
     connector TEXT NOT NULL,
     source TEXT NOT NULL,
     position TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (connector, source)
   ) WITHOUT ROWID;
   -- Host memory use, sampled with the disks, for the daily report's 7-day chart.
   CREATE TABLE memory_samples (
     sampled_at INTEGER PRIMARY KEY,
     used_bytes INTEGER NOT NULL,
     total_bytes INTEGER NOT NULL
   );`,
  // Who follows each log: one bot process at a time, by a lease it renews, so two bots on one DATA_DIR do not both
  // count a log's errors.
  `CREATE TABLE log_leases (
     connector TEXT NOT NULL,
     source TEXT NOT NULL,
     owner TEXT NOT NULL,
     lease_until INTEGER NOT NULL,
     PRIMARY KEY (connector, source)
   ) WITHOUT ROWID;`,
  // A post of the outbox may reply in the thread of an earlier post, named by its key (an operation's outcome
  // under its request message); a post that replaces a deleted one (`anew`) keeps saying so through its updates.
  `ALTER TABLE outbox ADD COLUMN thread_of TEXT;
   ALTER TABLE outbox ADD COLUMN anew INTEGER NOT NULL DEFAULT 0;`,
  // One row the write probe rewrites: whether the store can be written (a full disk, a read-only mount), even
  // while nothing else writes.
  `CREATE TABLE store_probe (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     written_at INTEGER NOT NULL
   );`,
  chainAuditLog,
  TEAMS_CONVERSATIONS,
];

/** Append only: each entry is one schema version. Never edit a migration that has shipped. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE disk_samples (
     path TEXT NOT NULL,
     sampled_at INTEGER NOT NULL,
     used_bytes INTEGER NOT NULL,
     total_bytes INTEGER NOT NULL,
     PRIMARY KEY (path, sampled_at)
   ) WITHOUT ROWID;`,
];

import { DatabaseSync } from 'node:sqlite';
import { MIGRATIONS, chainAuditLog } from '../../src/store/migrations.ts';

/**
 * A store file as the version before the audit chain left it (every migration up to the chain's), opened raw: the
 * caller writes entries as that version did, closes it, and lets Store.open upgrade it.
 */
export function openPreChainStore(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const [index, migration] of MIGRATIONS.slice(0, MIGRATIONS.indexOf(chainAuditLog)).entries()) {
    db.exec(migration as string);
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(index + 1);
  }
  return db;
}

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { personOf } from '../../src/domain/operation.ts';
import { entryHash, describeBreak, type ChainVerdict, type StoredAuditRow } from '../../src/store/audit-chain.ts';
import { AuditLog, type AuditEntry } from '../../src/store/audit-log.ts';
import { Store } from '../../src/store/store.ts';
import { SLACK_ACTOR } from '../support/builders.ts';
import { openPreChainStore } from '../support/pre-chain-store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-audit-chain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = new Date('2026-12-01T09:00:00Z');
const ada = personOf(SLACK_ACTOR);
const EVENTS = ['requested', 'approved', 'started', 'progress', 'succeeded'] as const;

let stores: Store[] = [];
afterEach(() => {
  for (const store of stores) store.close();
  stores = [];
});

function open(path: string) {
  const store = Store.open(path);
  stores.push(store);
  return { store, audit: new AuditLog(store) };
}

const entry = (i: number): AuditEntry => ({
  at: new Date(T0.getTime() + i * 60_000),
  event: EVENTS[i % EVENTS.length]!,
  requestId: 'abc234',
  connector: 'main',
  operation: 'restart',
  ...(i % 2 === 0 && { actor: ada }),
  detail: { text: `step ${i}` },
});

/** A store file with `count` entries written by connector-ops, closed: ready to be tampered with. */
function logWith(count: number): string {
  const path = join(mkdtempSync(join(tmp, 'log-')), 'connector-ops.sqlite');
  const { store, audit } = open(path);
  for (let i = 1; i <= count; i++) audit.append(entry(i));
  store.close();
  return path;
}

/** What someone with write access to the file does, past connector-ops: plain SQL on the SQLite file. */
function tamper(path: string, sql: string, ...values: Array<string | number | null>): void {
  const db = new DatabaseSync(path);
  try {
    if (values.length > 0) db.prepare(sql).run(...values);
    else db.exec(sql);
  } finally {
    db.close();
  }
}

const rowOf = (path: string, seq: number) => {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as unknown as StoredAuditRow;
  } finally {
    db.close();
  }
};

async function verdictOf(path: string, options: Parameters<AuditLog['verify']>[0] = {}): Promise<ChainVerdict> {
  const verdict = await open(path).audit.verify(options);
  if (!verdict) throw new Error('the verification did not finish');
  return verdict;
}

const brokenAt = (verdict: ChainVerdict) => (verdict.intact ? undefined : { seq: verdict.broken.seq, text: describeBreak(verdict.broken), entries: verdict.entries });

describe('the audit chain', () => {
  it('each entry records the hash of the one before it and its own: an untouched log verifies intact', async () => {
    const path = logWith(5);
    const { audit } = open(path);
    const entries = audit.list();
    expect(entries[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    expect(entries.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    const verdict = await audit.verify();
    expect(verdict).toEqual({ intact: true, entries: 5, latest: { seq: 5, at: entries[4]!.at, hash: entries[4]!.hash } });
  });

  it('an empty log is intact', async () => {
    expect(await verdictOf(join(mkdtempSync(join(tmp, 'empty-')), 'connector-ops.sqlite'))).toEqual({ intact: true, entries: 0 });
  });

  it('a dropped trigger and an edit: the entry no longer matches its hash, and is named', async () => {
    const path = logWith(5);
    tamper(path, `DROP TRIGGER audit_log_never_changed; UPDATE audit_log SET detail = '{"text":"nothing happened"}' WHERE seq = 3`);
    expect(brokenAt(await verdictOf(path))).toEqual({
      seq: 3,
      entries: 2,
      text: `entry 3 (${entry(3).at.toISOString()}, ${entry(3).event}): its content does not match its hash: it was changed after it was written, or forged`,
    });
  });

  it('an edit whose hash was computed again: the next entry no longer follows it', async () => {
    const path = logWith(5);
    const row = { ...rowOf(path, 3), actor: 'slack:U0MALLORY' };
    tamper(path, 'DROP TRIGGER audit_log_never_changed');
    tamper(path, 'UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3', row.actor, entryHash(row));
    expect(brokenAt(await verdictOf(path))).toMatchObject({ seq: 4, entries: 3, text: expect.stringContaining('it does not follow entry 3') });
  });

  it('a forged entry inserted with the triggers in place: it has no hash, or one that does not fit', async () => {
    const bare = logWith(3);
    tamper(bare, `INSERT INTO audit_log (at, event, connector, detail) VALUES (${T0.getTime()}, 'approved', 'main', '{}')`);
    expect(brokenAt(await verdictOf(bare))).toMatchObject({ seq: 4, entries: 3, text: expect.stringContaining('it has no hash: it was written past connector-ops (inserted)') });

    // A forger who hashes the entry but does not know the hash before it.
    const hashed = logWith(3);
    const forged = { ...rowOf(hashed, 3), seq: 4, event: 'approved', actor: 'slack:U0MALLORY', prev_hash: 'f'.repeat(64) };
    tamper(hashed, 'INSERT INTO audit_log (seq, at, event, request_id, connector, operation, actor, actor_name, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      forged.seq, forged.at, forged.event, forged.request_id, forged.connector, forged.operation, forged.actor, forged.actor_name, forged.detail, forged.prev_hash, entryHash(forged));
    expect(brokenAt(await verdictOf(hashed))).toMatchObject({ seq: 4, entries: 3, text: expect.stringContaining('it does not follow entry 3') });

    // One slipped in before the first entry.
    const early = logWith(2);
    tamper(early, `INSERT INTO audit_log (seq, at, event, detail) VALUES (0, ${T0.getTime()}, 'approved', '{}')`);
    expect(brokenAt(await verdictOf(early))).toMatchObject({ seq: 0, entries: 0, text: expect.stringContaining('out of place') });
  });

  it('a deleted entry is a gap in the sequence, in the middle, at the start or at the end', async () => {
    const middle = logWith(5);
    tamper(middle, 'DROP TRIGGER audit_log_never_deleted; DELETE FROM audit_log WHERE seq IN (2, 3)');
    expect(brokenAt(await verdictOf(middle))).toEqual({
      seq: 2,
      entries: 1,
      text: `entry 2: missing (through entry 3), deleted: the log goes from entry 1 to entry 4 (${entry(4).at.toISOString()}, ${entry(4).event})`,
    });

    const first = logWith(3);
    tamper(first, 'DROP TRIGGER audit_log_never_deleted; DELETE FROM audit_log WHERE seq = 1');
    expect(brokenAt(await verdictOf(first))).toMatchObject({ seq: 1, entries: 0, text: expect.stringContaining('entry 1: missing, deleted: the log goes from its start to entry 2') });

    const last = logWith(5);
    tamper(last, 'DROP TRIGGER audit_log_never_deleted; DELETE FROM audit_log WHERE seq = 5');
    expect(brokenAt(await verdictOf(last))).toEqual({ seq: 5, entries: 4, text: 'entry 5: missing from the end, deleted: the store gave out sequence numbers up to 5' });
    // The bot appending afterwards does not paper over the gap.
    open(last).audit.append(entry(6));
    expect(brokenAt(await verdictOf(last))).toMatchObject({ seq: 5, entries: 4, text: expect.stringContaining('entry 5: missing, deleted: the log goes from entry 4 to entry 6') });
  });

  it('finds a change deep in a log longer than one slice of the verification', async () => {
    const path = join(mkdtempSync(join(tmp, 'long-')), 'connector-ops.sqlite');
    const { store, audit } = open(path);
    store.transaction(() => {
      for (let i = 1; i <= 1_234; i++) audit.append(entry(i));
    });
    expect(await audit.verify()).toMatchObject({ intact: true, entries: 1_234 });
    tamper(path, `DROP TRIGGER audit_log_never_changed; UPDATE audit_log SET at = at + 1 WHERE seq = 1200`);
    expect(brokenAt(await verdictOf(path))).toMatchObject({ seq: 1200, entries: 1_199 });
  });

  it('stops when asked to (the bot is stopping) without a verdict', async () => {
    const path = logWith(2);
    const stopping = new AbortController();
    stopping.abort();
    expect(await open(path).audit.verify({ signal: stopping.signal })).toBeUndefined();
  });

  it('an anchor noted earlier finds the whole log written again, which the chain alone cannot', async () => {
    const path = logWith(4);
    const { store, audit } = open(path);
    const noted = audit.list()[2]!;
    store.close();
    // Entry 2 changed and every hash from there on computed again: a consistent chain.
    tamper(path, 'DROP TRIGGER audit_log_never_changed');
    let previous = rowOf(path, 1).hash!;
    for (let seq = 2; seq <= 4; seq++) {
      const row = { ...rowOf(path, seq), prev_hash: previous, ...(seq === 2 && { detail: '{"text":"rewritten"}' }) };
      previous = entryHash(row);
      tamper(path, 'UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?', row.detail, row.prev_hash, previous, seq);
    }
    expect(await verdictOf(path)).toMatchObject({ intact: true, entries: 4 });
    expect(brokenAt(await verdictOf(path, { anchor: { seq: 3, hash: noted.hash } }))).toMatchObject({ seq: 3, entries: 2, text: expect.stringContaining('its hash is not the anchor noted for it') });
    expect(brokenAt(await verdictOf(path, { anchor: { seq: 9, hash: noted.hash } }))).toMatchObject({ seq: 9, text: expect.stringContaining('not in the log') });
  });

  it('two bot processes appending to one store at once keep one chain', async () => {
    const path = logWith(1);
    const worker = fileURLToPath(new URL('../support/workers/audit-append-worker.ts', import.meta.url));
    const children = ['one', 'two'].map((name) => spawn(process.execPath, [worker, path, '300', name], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((child) => {
      let text = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()).includes('ready') && resolve()));
      const done = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { ready, done };
    });
    await Promise.all(outputs.map((o) => o.ready));
    for (const child of children) child.stdin.end('go\n');
    expect(await Promise.all(outputs.map((o) => o.done))).toEqual([0, 0]);
    const { audit } = open(path);
    const connectors = audit.list().map((e) => e.connector);
    // They did interleave: otherwise this would prove nothing about the lock.
    expect(connectors.findIndex((c) => c === 'two')).toBeLessThan(connectors.lastIndexOf('one'));
    expect(await audit.verify()).toMatchObject({ intact: true, entries: 601 });
  }, 30_000);
});

describe('the upgrade that brings the chain', () => {
  it('chains the entries written before it, trusted as of then, and keeps them unchangeable', async () => {
    const path = join(mkdtempSync(join(tmp, 'upgrade-')), 'connector-ops.sqlite');
    const old = openPreChainStore(path);
    for (let i = 1; i <= 3; i++) {
      old.prepare("INSERT INTO audit_log (at, event, connector, detail) VALUES (?, ?, 'main', ?)").run(entry(i).at.getTime(), entry(i).event, JSON.stringify(entry(i).detail));
    }
    old.close();

    const { audit } = open(path);
    audit.append(entry(4));
    expect(audit.list().map((e) => e.detail.text)).toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
    expect(await audit.verify()).toMatchObject({ intact: true, entries: 4 });
    expect(() => tamper(path, "UPDATE audit_log SET event = 'rejected' WHERE seq = 2")).toThrow(/audit entries are never changed/);
  });
});

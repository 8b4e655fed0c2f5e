import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_CHECK_OPTIONS, DatabaseCheck, type InspectMongo } from '../../src/checks/database.ts';
import { inspectWithDriver } from '../../src/integrations/mongo/client.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { MongoSnapshot } from '../../src/integrations/mongo/types.ts';

const connector: Connector = {
  name: 'main',
  apiKeyHeader: 'X-API-KEY',
  mongodbUri: 'mongodb://ops:s3cret@db:27017/',
  logFiles: [],
  source: 'config',
};

const standalone: MongoSnapshot = {
  reachable: true,
  roundTripMs: 1,
  version: { ok: true, value: '7.0.14' },
  topology: { ok: true, value: { kind: 'standalone' } },
  storage: { ok: true, value: { dataBytes: 1, fsFreeBytes: 100, fsTotalBytes: 200 } },
};

function context(signal = new AbortController().signal) {
  return { connector, signal, now: new Date() };
}

describe('DatabaseCheck', () => {
  it('applies only to connectors with a MongoDB connection string', () => {
    const check = new DatabaseCheck({}, inspectWithDriver);
    expect(check.id).toBe('database');
    expect(check.appliesTo(connector)).toBe(true);
    expect(check.appliesTo({ ...connector, mongodbUri: undefined })).toBe(false);
    expect(check.appliesTo({ ...connector, mongodbUri: '' })).toBe(false);
  });

  it('merges partial thresholds over the defaults', () => {
    const check = new DatabaseCheck({ timeoutMs: 1_000, thresholds: { lagWarnSeconds: 10 } }, inspectWithDriver);
    expect(check.options.timeoutMs).toBe(1_000);
    expect(check.options.thresholds).toEqual({ ...DEFAULT_DATABASE_CHECK_OPTIONS.thresholds, lagWarnSeconds: 10 });
  });

  it('hands the URI, its timeout and the signal to the inspector', async () => {
    const calls: unknown[] = [];
    const inspect: InspectMongo = async (uri, timeoutMs, signal) => {
      calls.push({ uri, timeoutMs, aborted: signal.aborted });
      return standalone;
    };
    const result = await new DatabaseCheck({ timeoutMs: 1_234 }, inspect).run(context());
    expect(calls).toEqual([{ uri: connector.mongodbUri, timeoutMs: 1_234, aborted: false }]);
    expect(result.status).toBe('warn');
  });

  it('an inspector that throws yields unknown, without the password', async () => {
    const inspect: InspectMongo = async () => {
      throw new Error('boom at mongodb://ops:s3cret@db:27017/');
    };
    const result = await new DatabaseCheck({}, inspect).run(context());
    expect(result.status).toBe('unknown');
    expect(JSON.stringify(result)).not.toContain('s3cret');
  });

  it('adds the backup age when a backup location is configured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'connector-ops-db-'));
    try {
      const dump = join(dir, 'dump.archive.gz');
      await writeFile(dump, 'x');
      const old = new Date(Date.now() - 30 * 3_600_000);
      await utimes(dump, old, old);
      const result = await new DatabaseCheck({ backupPath: dir }, async () => standalone).run(context());
      expect(result.details.at(-1)).toMatchObject({ label: 'Newest backup', status: 'warn' });
      expect(result.summary).toContain('newest backup is 30.0 h old');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports the backup even when MongoDB is unreachable', async () => {
    const result = await new DatabaseCheck({ backupPath: '/nonexistent/backups' }, async () => ({
      reachable: false,
      failure: 'refused',
      error: 'connect ECONNREFUSED 127.0.0.1:27017',
    })).run(context());
    expect(result.status).toBe('critical');
    expect(result.details.map((d) => d.label)).toEqual(['Connection', 'Newest backup']);
    expect(result.details[1]).toMatchObject({ status: 'unknown' });
  });
});

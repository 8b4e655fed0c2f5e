import { describe, expect, it } from 'vitest';
import { interpretHealth as interpret } from '../../src/checks/health.ts';
import type { ApiAnswer, HealthAnswer, SyncInfo, VersionInfo } from '../../src/integrations/connector-api/types.ts';

const NOW = new Date('2026-12-01T10:00:00Z');
const interpretHealth = (health: HealthAnswer, version?: ApiAnswer<VersionInfo>) => interpret({ health, ...(version && { version }) }, NOW);

const allHealthy = { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' };

const healthy: HealthAnswer = { kind: 'healthy', httpStatus: 200, body: { isHealthy: true, services: allHealthy } };
const unhealthy: HealthAnswer = {
  kind: 'unhealthy',
  httpStatus: 500,
  body: { isHealthy: false, services: { database: 'unhealthy', backboneConnection: 'healthy', backboneAuthentication: 'unhealthy' } },
};
const versionOk: ApiAnswer<VersionInfo> = {
  kind: 'ok',
  value: { version: '7.4.6', build: '123', commit: '0123456789abcdef', runtimeVersion: '7.5.2' },
};

describe('interpretHealth', () => {
  it('healthy: ok, with each service as a detail', () => {
    const result = interpretHealth(healthy);
    expect(result).toEqual({
      id: 'health',
      status: 'ok',
      summary: 'Healthy (HTTP 200)',
      details: [
        { label: 'database', value: 'healthy', status: 'ok' },
        { label: 'backboneConnection', value: 'healthy', status: 'ok' },
        { label: 'backboneAuthentication', value: 'healthy', status: 'ok' },
      ],
      data: { httpStatus: 200, services: Object.entries(allHealthy).map(([name, state]) => ({ name, state })) },
    });
  });

  it('unhealthy: critical, naming the services that are not healthy', () => {
    const result = interpretHealth(unhealthy);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Unhealthy (HTTP 500): database, backboneAuthentication unhealthy');
    expect(result.details).toContainEqual({ label: 'backboneConnection', value: 'healthy', status: 'ok' });
    expect(result.details).toContainEqual({ label: 'database', value: 'unhealthy', status: 'critical' });
  });

  it('unhealthy before 6.14.4 (HTTP 200 with isHealthy false) is still unhealthy', () => {
    const old: HealthAnswer = { kind: 'unhealthy', httpStatus: 200, body: { isHealthy: false, services: { database: 'unhealthy' } } };
    expect(interpretHealth(old)).toMatchObject({ status: 'critical', summary: 'Unhealthy (HTTP 200): database unhealthy' });
  });

  it('unhealthy without a service named says so', () => {
    const bare: HealthAnswer = { kind: 'unhealthy', httpStatus: 500, body: { isHealthy: false, services: {} } };
    expect(interpretHealth(bare).summary).toBe('Unhealthy (HTTP 500): no service named unhealthy');
  });

  it('unreachable: critical with the reason', () => {
    const result = interpretHealth({ kind: 'unreachable', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8080' });
    expect(result).toEqual({
      id: 'health',
      status: 'critical',
      summary: 'Unreachable: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8080',
      details: [{ label: 'health route', value: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8080', status: 'critical' }],
      findings: [{ kind: 'unreachable', reason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8080' }],
      data: { services: [] },
    });
  });

  it('version read: shown in the summary and as a detail', () => {
    const result = interpretHealth(healthy, versionOk);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Healthy (HTTP 200) · version 7.4.6');
    expect(result.details.at(-1)).toEqual({ label: 'version', value: '7.4.6 (build 123, commit 01234567, runtime 7.5.2)', status: 'ok' });
    const plain = interpretHealth(healthy, { kind: 'ok', value: { version: '6.2.0' } });
    expect(plain.details.at(-1)).toEqual({ label: 'version', value: '6.2.0', status: 'ok' });
  });

  it('version rejected (bad API key): a healthy Connector becomes warn, with the reason', () => {
    const result = interpretHealth(healthy, { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' });
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('Healthy (HTTP 200) · API key rejected (401)');
    expect(result.details.at(-1)).toEqual({ label: 'version', value: 'API key rejected (401)', status: 'warn' });
  });

  it('version rejected on an unhealthy Connector leaves it critical', () => {
    const result = interpretHealth(unhealthy, { kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope for /Monitoring/Version (403)' });
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Unhealthy (HTTP 500): database, backboneAuthentication unhealthy');
  });

  it('version failed: a detail saying it could not be read, the status unchanged', () => {
    const result = interpretHealth(healthy, { kind: 'failed', reason: 'timed out' });
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Healthy (HTTP 200)');
    expect(result.details.at(-1)).toEqual({ label: 'version', value: 'could not read: timed out', status: 'unknown' });
  });

  it('labels runtimeVersion as the @nmshd/runtime library, never as Node', () => {
    const result = interpretHealth(healthy, { kind: 'ok', value: { version: '7.0.0', build: 'local', commit: 'a113894d0000', runtimeVersion: '7.0.0' } });
    expect(result.details.at(-1)!.value).toBe('7.0.0 (build local, commit a113894d, runtime 7.0.0)');
    expect(JSON.stringify(result)).not.toMatch(/Node/);
  });
});

describe('interpretHealth: a hanging /health', () => {
  const hung: HealthAnswer = { kind: 'unreachable', reason: 'timed out', timedOutMs: 5_000 };

  it('while other routes answer: the Connector is up, and its Backbone check is the likely cause', () => {
    const result = interpretHealth(hung, versionOk);
    expect(result.status).toBe('critical');
    expect(result.summary).toMatch(/^\/health did not answer within 5 s although the Connector is up/);
    expect(result.summary).toMatch(/Backbone/);
    expect(result.summary).not.toMatch(/Unreachable/);
    expect(result.details[0]).toMatchObject({ label: 'health route', status: 'critical' });
  });

  it('a rejected key or an HTTP error still proves the Connector up', () => {
    expect(interpretHealth(hung, { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' }).summary).toMatch(/^\/health did not answer/);
    expect(interpretHealth(hung, { kind: 'failed', reason: 'HTTP 500 from /Monitoring/Version', httpStatus: 500 }).summary).toMatch(/^\/health did not answer/);
  });

  it('when nothing answers, or the health route was refused, it is unreachable', () => {
    expect(interpretHealth(hung, { kind: 'failed', reason: 'timed out', timedOutMs: 5_000 }).summary).toBe('Unreachable: timed out');
    expect(interpretHealth(hung).summary).toBe('Unreachable: timed out');
    expect(interpretHealth({ kind: 'unreachable', reason: 'ECONNREFUSED' }, versionOk).summary).toMatch(/^Unreachable: ECONNREFUSED/);
  });
});

describe('interpretHealth: the age of the last sync run', () => {
  const sync = (completedAt?: string): ApiAnswer<SyncInfo> => ({ kind: 'ok', value: completedAt ? { lastSyncRun: { completedAt } } : {} });
  const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000).toISOString();
  const judge = (answer: ApiAnswer<SyncInfo>, syncInterval?: { seconds: number } | 'disabled', health: HealthAnswer = healthy) =>
    interpret({ health, sync: answer, ...(syncInterval && { syncInterval }) }, NOW);
  const syncDetail = (result: ReturnType<typeof judge>) => result.details.find((d) => d.label === 'last sync run');

  it('recent: ok, the age as a detail, the summary unchanged', () => {
    const result = judge(sync(minutesAgo(2)), { seconds: 60 });
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Healthy (HTTP 200)');
    expect(syncDetail(result)).toEqual({ label: 'last sync run', value: '2 min ago', status: 'ok' });
  });

  it('older than the multiple of the interval Support tells: warn, with the age in the summary', () => {
    const result = judge(sync(minutesAgo(6)), { seconds: 60 });
    expect(result.status).toBe('warn');
    expect(result.summary).toMatch(/· last sync 6 min ago \(older than 5 min; sync interval 1 min\)$/);
  });

  it('interval unknown: judged after 15 minutes', () => {
    expect(judge(sync(minutesAgo(14))).status).toBe('ok');
    const stale = judge(sync(minutesAgo(47)));
    expect(stale.status).toBe('warn');
    expect(syncDetail(stale)!.value).toBe('47 min ago (older than 15 min; sync interval unknown)');
  });

  it('hours and days read as such', () => {
    expect(syncDetail(judge(sync(minutesAgo(5 * 60))))!.value).toMatch(/^5 h ago/);
    expect(syncDetail(judge(sync(minutesAgo(3 * 24 * 60))))!.value).toMatch(/^3 d ago/);
  });

  it('absent after a fresh start, or never completed: "never", warn', () => {
    const result = judge(sync());
    expect(result.status).toBe('warn');
    expect(syncDetail(result)!.value).toMatch(/^never/);
  });

  it('sync module disabled: shown, not judged', () => {
    const result = judge(sync(minutesAgo(600)), 'disabled');
    expect(result.status).toBe('ok');
    expect(syncDetail(result)).toEqual({ label: 'last sync run', value: '10 h ago (sync module disabled: not judged)' });
  });

  it('an unhealthy Connector keeps critical, and the summary tells how long it has not synced', () => {
    const result = judge(sync(minutesAgo(3)), { seconds: 60 }, unhealthy);
    expect(result.status).toBe('critical');
    expect(result.summary).toMatch(/· last sync 3 min ago$/);
  });

  it('not readable (no core:account scope, or failed): unknown detail, status unchanged', () => {
    const forbidden = judge({ kind: 'rejected', httpStatus: 403, reason: 'API key lacks the scope (403)' });
    expect(forbidden.status).toBe('ok');
    expect(syncDetail(forbidden)).toEqual({ label: 'last sync run', value: 'not read: the API key lacks the core:account scope', status: 'unknown' });
    expect(syncDetail(judge({ kind: 'failed', reason: 'timed out' }))!.status).toBe('unknown');
  });
});

describe('syncIntervalOf', () => {
  it('reads modules.sync.interval (seconds), a disabled module, or a renamed one by its location', async () => {
    const { syncIntervalOf } = await import('../../src/checks/health-sync.ts');
    expect(syncIntervalOf({ modules: { sync: { enabled: true, location: 'sync', interval: 60 } } })).toEqual({ seconds: 60 });
    expect(syncIntervalOf({ modules: { sync: { enabled: false, location: 'sync' } } })).toBe('disabled');
    expect(syncIntervalOf({ modules: { mySync: { enabled: true, location: '@nmshd/connector/dist/modules/sync/SyncModule', interval: 30 } } })).toEqual({ seconds: 30 });
    expect(syncIntervalOf({ modules: { s2: { enabled: true, location: '@nmshd/connector:SyncModule', interval: 45 } } })).toEqual({ seconds: 45 });
    expect(syncIntervalOf({ modules: { sync: { enabled: true } } })).toBeUndefined();
    expect(syncIntervalOf({})).toBeUndefined();
    expect(syncIntervalOf(undefined)).toBeUndefined();
  });
});


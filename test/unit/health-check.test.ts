import { describe, expect, it } from 'vitest';
import { interpretHealth } from '../../src/checks/health.ts';
import type { ApiAnswer, HealthAnswer, VersionInfo } from '../../src/integrations/connector-api/types.ts';

const allHealthy = { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' };

const healthy: HealthAnswer = { kind: 'healthy', httpStatus: 200, body: { isHealthy: true, services: allHealthy } };
const unhealthy: HealthAnswer = {
  kind: 'unhealthy',
  httpStatus: 500,
  body: { isHealthy: false, services: { database: 'unhealthy', backboneConnection: 'healthy', backboneAuthentication: 'unhealthy' } },
};
const versionOk: ApiAnswer<VersionInfo> = {
  kind: 'ok',
  value: { version: '7.4.6', build: '123', commit: '0123456789abcdef', runtimeVersion: '22.11.0' },
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
    });
  });

  it('version read: shown in the summary and as a detail', () => {
    const result = interpretHealth(healthy, versionOk);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Healthy (HTTP 200) · version 7.4.6');
    expect(result.details.at(-1)).toEqual({ label: 'version', value: '7.4.6 (build 123, commit 01234567, Node 22.11.0)', status: 'ok' });
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
});

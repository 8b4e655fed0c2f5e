import { describe, expect, it } from 'vitest';
import { interpretHealth } from '../../src/checks/health.ts';
import { assessImageUpdate } from '../../src/checks/image-update-assess.ts';
import { interpretKeyMaterial } from '../../src/checks/key-material.ts';
import { judgeResources } from '../../src/checks/resources-judge.ts';
import { DATA_AND_MONGO_DISK, fileSystem, GiB, HEALTHY, IDENTITY, imageUpdateReadings, RESOURCE_JUDGEMENT, resourceReadings, withCertificate } from '../support/check-readings.ts';

// What each judging function finds, as the data alerts and `check --json` carry beside the words of the details.

const NOW = new Date('2026-12-01T10:00:00Z');

describe('typed findings', () => {
  it('health: unhealthy names the services not healthy with their states; healthy finds nothing', () => {
    const unhealthy = interpretHealth(
      { health: { kind: 'unhealthy', httpStatus: 503, body: { isHealthy: false, services: { ...HEALTHY.body.services, database: 'degraded' } } } },
      NOW,
    );
    expect(unhealthy.findings).toEqual([{ kind: 'unhealthy', httpStatus: 503, services: [{ name: 'database', state: 'degraded' }] }]);
    expect(interpretHealth({ health: HEALTHY }, NOW).findings).toBeUndefined();
  });

  it('resources: each figure against its thresholds, the line telling it, a disk with its paths, roles and forecast', () => {
    const filling = { ok: true as const, value: { kind: 'filling' as const, daysUntilFull: 2.5, bytesPerDay: 32 * GiB, fullAt: new Date('2026-12-03T22:00:00Z') } };
    const result = judgeResources(
      resourceReadings({
        memory: { ok: true, value: { totalBytes: 16 * GiB, availableBytes: 0.8 * GiB, usedPercent: 95 } },
        disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 40), fileSystem(['/data', '/srv/mongo'], 85)], unreadable: [] } },
        forecasts: new Map([['/data', filling]]),
      }),
      RESOURCE_JUDGEMENT,
    );
    const findings = result.findings ?? [];
    expect(findings.map((finding) => [finding.kind, finding.status])).toEqual([
      ['host-cpu', 'ok'],
      ['host-memory', 'critical'],
      ['disk', 'ok'],
      ['disk', 'critical'],
      ['container-cpu', 'ok'],
      ['container-memory', 'ok'],
    ]);
    expect(findings[1]).toEqual({
      kind: 'host-memory',
      remoteEngine: false,
      availableBytes: 0.8 * GiB,
      totalBytes: 16 * GiB,
      usedPercent: 95,
      warnPercent: 80,
      criticalPercent: 90,
      status: 'critical',
      line: 1,
    });
    expect(result.details[1]?.label).toBe('Memory (host)');
    // 85 % only warns; the forecast of full within 2.5 days makes the disk critical.
    expect(findings[3]).toEqual({
      kind: 'disk',
      ...DATA_AND_MONGO_DISK,
      usedPercent: 85,
      warnPercent: 80,
      criticalPercent: 90,
      forecast: { full: false, bytesPerDay: 32 * GiB, daysUntilFull: 2.5, fullAt: '2026-12-03T22:00:00.000Z', status: 'critical' },
      status: 'critical',
      line: 3,
    });
  });

  it('key material: the certificate with its expiry, and the identity, Backbone login and API key as judged', () => {
    const result = interpretKeyMaterial(withCertificate(10));
    expect(result.findings).toEqual([
      { kind: 'identity', status: 'ok', line: 0, address: IDENTITY.address, publicKeyReadable: true },
      { kind: 'backbone-authentication', status: 'ok', line: 1, state: 'healthy' },
      { kind: 'api-key', status: 'ok', line: 2, configured: true, accepted: true },
      { kind: 'certificate', status: 'warn', line: 3, subject: 'connector.example.com', expiresAt: '2026-12-11T00:00:00.000Z', daysLeft: 10, trusted: true },
    ]);
  });

  it('image update: the running version, the routine update and a new major with current and recommended versions', () => {
    const result = assessImageUpdate(imageUpdateReadings('7.4.6', ['7.4.6', '7.5.0', '8.0.0']));
    expect(result.findings).toEqual([
      { kind: 'running', version: '7.4.6', source: 'tag' },
      { kind: 'update', current: '7.4.6', recommended: '7.5.0', major: false },
      { kind: 'update', current: '7.4.6', recommended: '8.0.0', major: true },
    ]);
  });

  it('image update: a tag that moved in the registry, with both digests', () => {
    const registryDigest = `sha256:${'2'.repeat(64)}`;
    const runningDigests = [`sha256:${'1'.repeat(64)}`];
    const result = assessImageUpdate(imageUpdateReadings('7.5.0', ['7.5.0'], { digest: { kind: 'moved', registryDigest, localDigests: runningDigests } }));
    expect(result.findings).toContainEqual({ kind: 'tag-moved', tag: '7.5.0', registryDigest, runningDigests });
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_THRESHOLDS, databaseResult } from '../../src/checks/database-interpret.ts';
import { interpretHealth } from '../../src/checks/health.ts';
import { assessImageUpdate } from '../../src/checks/image-update-assess.ts';
import { interpretKeyMaterial } from '../../src/checks/key-material.ts';
import { judgeResources } from '../../src/checks/resources-judge.ts';
import { DATA_AND_MONGO_DISK, fileSystem, GiB, HEALTHY, IDENTITY, imageUpdateReadings, RESOURCE_JUDGEMENT, resourceReadings, withCertificate } from '../support/check-readings.ts';
import { validCheck } from '../support/report-schema.ts';

// The `data` of each check: one object with stable keys, built from the same readings (and findings) as the words.

const NOW = new Date('2026-12-01T10:00:00Z');

describe('check data', () => {
  it('health: the HTTP status, every service, the version and the last sync run as an ISO time', () => {
    const result = validCheck(
      interpretHealth(
        {
          health: HEALTHY,
          version: { kind: 'ok', value: { version: '7.4.6' } },
          sync: { kind: 'ok', value: { lastSyncRun: { completedAt: '2026-12-01T09:58:00.000+00:00' } } },
        },
        NOW,
      ),
    );
    expect(result.data).toEqual({
      httpStatus: 200,
      services: [
        { name: 'database', state: 'healthy' },
        { name: 'backboneConnection', state: 'healthy' },
        { name: 'backboneAuthentication', state: 'healthy' },
      ],
      version: '7.4.6',
      lastSyncAt: '2026-12-01T09:58:00.000Z',
    });
    const never = interpretHealth({ health: { kind: 'unreachable', reason: 'connection refused' }, sync: { kind: 'ok', value: {} } }, NOW);
    expect(validCheck(never).data).toEqual({ services: [], lastSyncAt: null });
  });

  it('resources: used and total bytes, ratios, each container by its name, and the date a disk will be full', () => {
    const filling = { ok: true as const, value: { kind: 'filling' as const, daysUntilFull: 2.5, bytesPerDay: 32 * GiB, fullAt: new Date('2026-12-03T22:00:00Z') } };
    const result = validCheck(
      judgeResources(
        resourceReadings({
          disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 40), fileSystem(['/data', '/srv/mongo'], 85)], unreadable: [] } },
          forecasts: new Map([['/data', filling]]),
        }),
        RESOURCE_JUDGEMENT,
      ),
    );
    expect(result.data).toEqual({
      host: { remoteEngine: false, cpu: { cores: 2, loadAverage: [0.4, 0.6, 0.5], usedRatio: 0.3 }, memory: { usedBytes: 8 * GiB, totalBytes: 16 * GiB, usedRatio: 0.5 } },
      containers: [
        { name: 'connector', cpu: { usedRatio: 0.2, oneCoreRatio: 0.2, onlineCpus: 2, limitCpus: 1 }, memory: { usedBytes: 256 * 1024 ** 2, limitBytes: 512 * 1024 ** 2, limited: true, usedRatio: 0.5 } },
      ],
      disks: [
        { paths: [{ path: '/var/lib/docker', roles: ['docker-data-root'] }], usedBytes: 40 * GiB, availableBytes: 60 * GiB, totalBytes: 100 * GiB, usedRatio: 0.4 },
        {
          ...DATA_AND_MONGO_DISK,
          usedRatio: 0.85,
          forecast: { full: false, bytesPerDay: 32 * GiB, fullAt: '2026-12-03T22:00:00.000Z' },
        },
      ],
    });
  });

  it('image update: current, recommended and newest major versions, and the digests compared', () => {
    const digest = `sha256:${'1'.repeat(64)}`;
    const result = validCheck(assessImageUpdate(imageUpdateReadings('7.4.6', ['7.4.6', '7.5.0', '8.0.0'])));
    expect(result.data).toEqual({ current: '7.4.6', recommended: '7.5.0', newestMajor: '8.0.0', updatesPending: 2, tag: '7.4.6', registryDigest: digest, runningDigests: [digest], tagState: 'same' });
    const moved = assessImageUpdate(imageUpdateReadings('7.5.0', ['7.5.0'], { digest: { kind: 'moved', registryDigest: `sha256:${'2'.repeat(64)}`, localDigests: [digest] } }));
    expect(validCheck(moved).data).toEqual({ current: '7.5.0', updatesPending: 0, tag: '7.5.0', registryDigest: `sha256:${'2'.repeat(64)}`, runningDigests: [digest], tagState: 'moved' });
    // A registry that could not be read: the check could not look, so there is no data.
    expect(assessImageUpdate(imageUpdateReadings('7.5.0', [], { tags: { ok: false, reason: 'timed out' } })).data).toBeUndefined();
  });

  it('key material: the days until the certificate expires, the identity, the Backbone login and the API key', () => {
    const result = validCheck(interpretKeyMaterial(withCertificate(10)));
    expect(result.data).toEqual({
      identity: { address: IDENTITY.address, publicKeyReadable: true },
      backboneAuthentication: { state: 'healthy' },
      apiKey: { configured: true, accepted: true },
      certificate: { subject: 'connector.example.com', expiresAt: '2026-12-11T00:00:00.000Z', daysToExpiry: 10, trusted: true },
    });
  });

  it('database: the members with their lag in seconds, the oplog window in hours, the disk; only reachable when it was not', () => {
    const result = validCheck(
      databaseResult(
        {
          reachable: true,
          roundTripMs: 3,
          version: { ok: true, value: '7.0.14' },
          topology: { ok: true, value: { kind: 'replica-set', setName: 'rs0', hosts: ['db1:27017', 'db2:27017'], primary: 'db1:27017' } },
          members: {
            ok: true,
            value: [
              { name: 'db1:27017', state: 'PRIMARY', healthy: true, self: true, lagSeconds: 0 },
              { name: 'db2:27017', state: 'SECONDARY', healthy: true, self: false, lagSeconds: 42 },
            ],
          },
          oplog: { ok: true, value: { first: new Date(0), last: new Date(36 * 3_600_000), hours: 36 } },
          storage: { ok: true, value: { dataBytes: 2 * GiB, fsFreeBytes: 80 * GiB, fsTotalBytes: 100 * GiB } },
        },
        DEFAULT_DATABASE_THRESHOLDS,
      ),
    );
    expect(result.data).toEqual({
      reachable: true,
      roundTripSeconds: 0.003,
      version: '7.0.14',
      topology: 'replica-set',
      replicaSet: 'rs0',
      primary: 'db1:27017',
      members: [
        { name: 'db1:27017', state: 'PRIMARY', healthy: true, lagSeconds: 0 },
        { name: 'db2:27017', state: 'SECONDARY', healthy: true, lagSeconds: 42 },
      ],
      oplogWindowHours: 36,
      dataBytes: 2 * GiB,
      fsFreeBytes: 80 * GiB,
      fsTotalBytes: 100 * GiB,
    });
    const refused = databaseResult({ reachable: false, failure: 'refused', error: 'ECONNREFUSED' }, DEFAULT_DATABASE_THRESHOLDS);
    expect(validCheck(refused).data).toEqual({ reachable: false });
  });
});

import { describe, expect, it } from 'vitest';
import { conditionsOf } from '../../src/alerts/conditions.ts';
import { interpretHealth } from '../../src/checks/health.ts';
import { assessImageUpdate, type ImageUpdateFindings } from '../../src/checks/image-update-assess.ts';
import { interpretKeyMaterial, type KeyMaterialFindings } from '../../src/checks/key-material.ts';
import { judgeResources, type ResourceReadings } from '../../src/checks/resources-judge.ts';
import type { CheckResult } from '../../src/domain/check-result.ts';
import type { HealthAnswer } from '../../src/integrations/connector-api/types.ts';
import {
  connectorContainer,
  fileSystem,
  GiB,
  HEALTHY,
  IDENTITY,
  imageUpdateReadings,
  keyMaterialReadings,
  RESOURCE_JUDGEMENT,
  resourceReadings,
  withCertificate,
} from '../support/check-readings.ts';

// Each case feeds what a judging function made of a reading through the mapping: the alerts hang on what the
// checks judge, whatever words their details use.

const NOW = new Date('2026-12-01T10:00:00Z');

describe('conditionsOf: health', () => {
  const services = HEALTHY.body.services;
  const health = (answer: HealthAnswer) => conditionsOf(interpretHealth({ health: answer }, NOW));

  it('unhealthy is one critical condition naming the services that are not healthy', () => {
    const unhealthy: HealthAnswer = {
      kind: 'unhealthy',
      httpStatus: 500,
      body: { isHealthy: false, services: { ...services, database: 'unhealthy', backboneAuthentication: 'unhealthy' } },
    };
    expect(health(unhealthy)).toEqual([
      {
        key: 'health',
        severity: 'critical',
        title: 'Unhealthy (HTTP 500): database, backboneAuthentication unhealthy',
        detail: 'database: unhealthy\nbackboneAuthentication: unhealthy',
      },
    ]);
  });

  it('unreachable is the same condition, with the reason', () => {
    expect(health({ kind: 'unreachable', reason: 'ECONNREFUSED' })).toEqual([
      { key: 'health', severity: 'critical', title: 'Unreachable: ECONNREFUSED', detail: 'health route: ECONNREFUSED' },
    ]);
  });

  it('healthy, or only warned about (a rejected API key), raises nothing', () => {
    expect(health(HEALTHY)).toEqual([]);
    const warned = interpretHealth({ health: HEALTHY, version: { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' } }, NOW);
    expect(warned.status).toBe('warn');
    expect(conditionsOf(warned)).toEqual([]);
  });
});

describe('conditionsOf: resources', () => {
  const resources = (extra: Partial<ResourceReadings>) => conditionsOf(judgeResources(resourceReadings(extra), RESOURCE_JUDGEMENT));

  it('all within their thresholds raises nothing', () => {
    expect(resources({})).toEqual([]);
  });

  it('host CPU and memory over critical: one condition each, keyed by what was measured', () => {
    expect(
      resources({
        cpu: { ok: true, value: { loadAverage: [1.9, 1.9, 1.9], cores: 2, percent: 95 } },
        memory: { ok: true, value: { totalBytes: 16 * GiB, availableBytes: 0.5 * GiB, usedPercent: 97 } },
      }),
    ).toEqual([
      { key: 'CPU load (host)', severity: 'critical', title: 'CPU load (host): 95 % of 2 cores (load average 1.90 / 1.90 / 1.90 over 1 / 5 / 15 min)', detail: '' },
      { key: 'Memory (host)', severity: 'critical', title: 'Memory (host): 97 % used, 512 MiB available of 16.0 GiB', detail: '' },
    ]);
  });

  it("with a remote engine the host figures are the bot's host's, and keyed so", () => {
    const conditions = resources({
      dataRoot: { ok: true, value: { local: false, engine: 'tcp://10.0.0.2:2376' } },
      cpu: { ok: true, value: { loadAverage: [1.9, 1.9, 1.9], cores: 2, percent: 95 } },
    });
    expect(conditions?.map((c) => c.key)).toEqual(["CPU load (bot's host)"]);
  });

  it("the container's CPU and memory over critical", () => {
    const conditions = resources({
      container: connectorContainer({ percent: 190, onlineCpus: 2, percentOfAllowed: 95 }, { usedBytes: 500 * 1024 ** 2, limitBytes: 512 * 1024 ** 2, limited: true, percent: 97.7 }),
    });
    expect(conditions).toEqual([
      { key: 'Container connector CPU', severity: 'critical', title: "Container connector CPU: 95 % of the host's 2 CPUs (no limit set); 190 % of one core", detail: '' },
      { key: 'Container connector memory', severity: 'critical', title: 'Container connector memory: 500 MiB of its 512 MiB limit (98 %)', detail: '' },
    ]);
  });

  it('a disk over critical, keyed by its paths and what they are; one only warned about raises nothing', () => {
    const conditions = resources({
      disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 85), fileSystem(['/data', '/srv/mongo'], 95)], unreadable: [] } },
    });
    expect(conditions).toEqual([
      { key: 'Disk /data (DATA_DIR), /srv/mongo (configured)', severity: 'critical', title: 'Disk /data (DATA_DIR), /srv/mongo (configured): 95 % used, 5.0 GiB free of 100 GiB', detail: '' },
    ]);
  });

  it("the engine's data root over critical keeps the key it had when the details said \"Docker data root\"; its title says what it is now", () => {
    const conditions = resources({ disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 95), fileSystem(['/data'], 20)], unreadable: [] } } });
    expect(conditions).toEqual([
      { key: 'Disk /var/lib/docker (Docker data root)', severity: 'critical', title: 'Disk /var/lib/docker (engine data root): 95 % used, 5.0 GiB free of 100 GiB', detail: '' },
    ]);
  });

  it('a disk forecast to be full within the critical days is that disk’s condition, however empty it is now', () => {
    const filling = { ok: true as const, value: { kind: 'filling' as const, daysUntilFull: 2.5, bytesPerDay: 32 * GiB, fullAt: new Date('2026-12-03T22:00:00Z') } };
    const conditions = resources({ forecasts: new Map([['/data', filling]]) });
    expect(conditions).toEqual([
      { key: 'Disk /data (DATA_DIR)', severity: 'critical', title: 'Disk /data (DATA_DIR): 20 % used, 80.0 GiB free of 100 GiB; rising 32.0 GiB/day, full in ~2 days', detail: '' },
    ]);
    expect(resources({ forecasts: new Map([['/data', { ok: true, value: { kind: 'full' } }]]) })?.map((c) => c.key)).toEqual(['Disk /data (DATA_DIR)']);
  });

  it('could not look at all (unknown): no observation', () => {
    const failed = { ok: false as const, reason: 'timed out' };
    expect(resources({ cpu: failed, memory: failed, dataRoot: failed, disks: failed, container: { name: 'connector', resources: failed } })).toBeUndefined();
  });
});

describe('conditionsOf: key material', () => {
  const keyMaterial = (findings: KeyMaterialFindings) => conditionsOf(interpretKeyMaterial(findings));

  it('all readable, accepted and far from expiry raises nothing', () => {
    expect(keyMaterial(withCertificate(90))).toEqual([]);
  });

  it('a certificate close to expiry warns, one closer is critical, under the same key', () => {
    expect(keyMaterial(withCertificate(10))).toEqual([
      { key: 'TLS certificate', severity: 'warn', title: 'TLS certificate: connector.example.com: certificate expires in 10 days (2026-12-11)', detail: '' },
    ]);
    expect(keyMaterial(withCertificate(2))).toEqual([
      { key: 'TLS certificate', severity: 'critical', title: 'TLS certificate: connector.example.com: certificate expires in 2 days (2026-12-11)', detail: '' },
    ]);
  });

  it('a rejected API key, an unreadable identity and a failing Backbone login are each critical', () => {
    expect(keyMaterial(keyMaterialReadings({ support: { kind: 'ok', value: { identityInfo: { error: 'no account found' } } } }))).toEqual([
      { key: 'identity', severity: 'critical', title: 'identity: the Connector cannot read its identity: no account found', detail: '' },
    ]);
    const failingLogin: HealthAnswer = { ...HEALTHY, body: { isHealthy: false, services: { ...HEALTHY.body.services, backboneAuthentication: 'unhealthy' } } };
    expect(keyMaterial(keyMaterialReadings({ health: failingLogin }))).toEqual([
      {
        key: 'Backbone authentication',
        severity: 'critical',
        title: 'Backbone authentication: unhealthy (the Connector cannot authenticate with its device credentials)',
        detail: '',
      },
    ]);
    // The key is rejected, so the identity could not be asked: the result is critical, not unknown.
    const rejected = interpretKeyMaterial(keyMaterialReadings({ support: { kind: 'rejected', httpStatus: 401, reason: 'API key rejected (401)' } }));
    expect(rejected.status).toBe('critical');
    expect(conditionsOf(rejected)).toEqual([{ key: 'API key', severity: 'critical', title: 'API key: API key rejected (401)', detail: '' }]);
  });

  it('a public key missing from the answer warns under the identity key', () => {
    expect(keyMaterial(keyMaterialReadings({ support: { kind: 'ok', value: { identityInfo: { address: IDENTITY.address, publicKey: '' } } } }))).toEqual([
      { key: 'identity', severity: 'warn', title: `identity: ${IDENTITY.address} (no public key in the answer)`, detail: '' },
    ]);
  });

  it('without an API key nothing about it can be told (unknown): no observation', () => {
    expect(keyMaterial({ apiKeyConfigured: false, health: HEALTHY })).toBeUndefined();
  });
});

describe('conditionsOf: image update', () => {
  const imageUpdate = (findings: ImageUpdateFindings) => conditionsOf(assessImageUpdate(findings));

  it('a newer version of the running major is told once, keyed by that version', () => {
    const summary = '7.4.6 → 7.5.0 available; 8.0.0 is a new major version (a migration)';
    expect(imageUpdate(imageUpdateReadings('7.4.6', ['7.4.6', '7.5.0', '8.0.0']))).toEqual([
      { key: 'update 7.4.6 → 7.5.0 (newest 7.x)', severity: 'warn', title: '7.4.6 → 7.5.0 (newest 7.x) available', detail: summary, once: true },
    ]);
    // A later version is another alert, told once in its turn.
    expect(imageUpdate(imageUpdateReadings('7.4.6', ['7.4.6', '7.5.0', '7.5.1']))?.map((c) => c.key)).toEqual(['update 7.4.6 → 7.5.1 (newest 7.x)']);
  });

  it('the newest of its major raises nothing, even with a newer major (a migration, not a routine update)', () => {
    expect(imageUpdate(imageUpdateReadings('7.5.0', ['7.4.6', '7.5.0', '8.0.0']))).toEqual([]);
  });

  it('a moved tag warns in the report but raises no alert', () => {
    const moved = assessImageUpdate(
      imageUpdateReadings('7.5.0', ['7.5.0'], { digest: { kind: 'moved', registryDigest: `sha256:${'2'.repeat(64)}`, localDigests: [`sha256:${'1'.repeat(64)}`] } }),
    );
    expect(moved.status).toBe('warn');
    expect(conditionsOf(moved)).toEqual([]);
  });

  it('a registry that cannot be read (unknown): no observation', () => {
    expect(imageUpdate(imageUpdateReadings('7.4.6', [], { tags: { ok: false, reason: 'timed out' } }))).toBeUndefined();
  });
});

describe('conditionsOf: the words of the details', () => {
  /** The same judgement, every detail label reworded as a later release might word it. */
  const reworded = (result: CheckResult): CheckResult => ({ ...result, details: result.details.map((detail) => ({ ...detail, label: `Reworded ${detail.label}` })) });
  const unhealthy: HealthAnswer = { kind: 'unhealthy', httpStatus: 503, body: { isHealthy: false, services: { ...HEALTHY.body.services, database: 'unhealthy' } } };
  const judged: Array<[string, CheckResult]> = [
    ['health', interpretHealth({ health: unhealthy }, NOW)],
    ['health, unreachable', interpretHealth({ health: { kind: 'unreachable', reason: 'ECONNREFUSED' } }, NOW)],
    [
      'resources',
      judgeResources(
        resourceReadings({
          cpu: { ok: true, value: { loadAverage: [1.9, 1.9, 1.9], cores: 2, percent: 95 } },
          disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 40), fileSystem(['/data', '/srv/mongo'], 95)], unreadable: [] } },
        }),
        RESOURCE_JUDGEMENT,
      ),
    ],
    ['key material', interpretKeyMaterial(withCertificate(2))],
    ['image update', assessImageUpdate(imageUpdateReadings('7.4.6', ['7.4.6', '7.5.0']))],
  ];

  it.each(judged)('%s: a reworded label raises, keys, words and resolves every alert as before', (_, result) => {
    const before = conditionsOf(result);
    expect(before?.length).toBeGreaterThan(0);
    expect(conditionsOf(reworded(result))).toEqual(before);
  });
});

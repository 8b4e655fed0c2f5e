import semver from 'semver';
import type { ImageUpdateFindings } from '../../src/checks/image-update-assess.ts';
import type { KeyMaterialFindings } from '../../src/checks/key-material.ts';
import { DEFAULT_RESOURCES_OPTIONS } from '../../src/checks/resources.ts';
import type { ResourceJudgement, ResourceReadings } from '../../src/checks/resources-judge.ts';
import type { ContainerCpu, ContainerMemory } from '../../src/integrations/docker/container-stats.ts';
import type { HealthAnswer } from '../../src/integrations/connector-api/types.ts';
import type { FileSystemUse } from '../../src/integrations/host/resources.ts';
import { parseImageReference } from '../../src/integrations/registry/reference.ts';

/** What the judging functions are fed: readings as the checks make them, all fine unless a test says otherwise. */

export const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export const HEALTHY: Extract<HealthAnswer, { kind: 'healthy' }> = {
  kind: 'healthy',
  httpStatus: 200,
  body: { isHealthy: true, services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' } },
};

/** A file system of 100 GiB with `usedPercent` used, holding the given paths. */
export function fileSystem(paths: string[], usedPercent: number): FileSystemUse {
  const totalBytes = 100 * GiB;
  const usedBytes = (totalBytes * usedPercent) / 100;
  return { paths, totalBytes, usedBytes, availableBytes: totalBytes - usedBytes, usedPercent };
}

/** What the findings and the data tell of `fileSystem(['/data', '/srv/mongo'], 85)` under RESOURCE_JUDGEMENT. */
export const DATA_AND_MONGO_DISK = {
  paths: [
    { path: '/data', roles: ['data-dir'] },
    { path: '/srv/mongo', roles: ['configured'] },
  ],
  usedBytes: 85 * GiB,
  availableBytes: 15 * GiB,
  totalBytes: 100 * GiB,
};

/** The default thresholds, DATA_DIR at /data and a configured path /srv/mongo. */
export const RESOURCE_JUDGEMENT: ResourceJudgement = { ...DEFAULT_RESOURCES_OPTIONS, dataDir: '/data', paths: ['/srv/mongo'] };

export function resourceReadings(extra: Partial<ResourceReadings> = {}): ResourceReadings {
  return {
    cpu: { ok: true, value: { loadAverage: [0.4, 0.6, 0.5], cores: 2, percent: 30 } },
    memory: { ok: true, value: { totalBytes: 16 * GiB, availableBytes: 8 * GiB, usedPercent: 50 } },
    dataRoot: { ok: true, value: { local: true, path: '/var/lib/docker' } },
    disks: { ok: true, value: { fileSystems: [fileSystem(['/var/lib/docker'], 40), fileSystem(['/data'], 20)], unreadable: [] } },
    forecasts: new Map(),
    container: connectorContainer({ percent: 20, onlineCpus: 2, limitCpus: 1, percentOfAllowed: 20 }, { usedBytes: 256 * MiB, limitBytes: 512 * MiB, limited: true, percent: 50 }),
    ...extra,
  };
}

/** The running container `connector` using what it is given. */
export function connectorContainer(cpu: ContainerCpu, memory: ContainerMemory): ResourceReadings['container'] {
  return { name: 'connector', resources: { ok: true, value: { running: true, cpu, memory } } };
}

export const IDENTITY = { address: 'did:e:example.com:dids:0123456789abcdef012345', publicKey: 'eyJwdWIiOiJrZXkifQ' };

export function keyMaterialReadings(extra: Partial<KeyMaterialFindings> = {}): KeyMaterialFindings {
  return { apiKeyConfigured: true, health: HEALTHY, support: { kind: 'ok', value: { identityInfo: IDENTITY } }, ...extra };
}

/** Key material of an https Connector whose verified certificate expires on 11 December 2026, `daysLeft` from now. */
export function withCertificate(daysLeft: number): KeyMaterialFindings {
  return keyMaterialReadings({
    tls: {
      ok: true,
      latencyMs: 4,
      certificate: { subject: 'connector.example.com', issuer: 'CA', validTo: '2026-12-11T00:00:00.000Z', daysLeft, verified: true },
    },
  });
}

/** A container running the version tag `tag` of ghcr.io/nmshd/connector, the registry listing `tags`. */
export function imageUpdateReadings(tag: string, tags: string[], extra: Partial<ImageUpdateFindings> = {}): ImageUpdateFindings {
  return {
    image: parseImageReference(`ghcr.io/nmshd/connector:${tag}`),
    running: { version: semver.parse(tag)!, source: 'tag' },
    tags: { ok: true, tags },
    includePrereleases: false,
    digest: { kind: 'same', digest: `sha256:${'1'.repeat(64)}` },
    ...extra,
  };
}

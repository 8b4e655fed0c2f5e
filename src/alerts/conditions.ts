import semver from 'semver';
import type { AlertKind } from '../domain/alert.ts';
import type { CheckResult } from '../domain/check-result.ts';
import { DISK_ROLE_WORDS, type DiskRole, type Finding, type HealthFinding, type KeyMaterialFinding, type ResourceFinding } from '../domain/finding.ts';
import type { Condition } from './engine.ts';

/** The checks the probes run, and the alert kind each one's findings raise. */
export const PROBED: ReadonlyArray<{ check: CheckResult['id']; kind: AlertKind; slow: boolean }> = [
  { check: 'health', kind: 'health', slow: false },
  { check: 'resources', kind: 'resources', slow: false },
  { check: 'key-material', kind: 'key-material', slow: true },
  { check: 'image-update', kind: 'image-update', slow: true },
];

/** The checks the probes run at the slow pace: they ask the Connector's Support route and the registry. */
export const SLOW_CHECKS: ReadonlyArray<CheckResult['id']> = PROBED.filter((p) => p.slow).map((p) => p.check);

/**
 * What a check result says is bad now, as alert conditions; undefined when the check could not look (unknown):
 * that is no observation at all, neither bad nor good, so it neither raises nor resolves anything.
 * Whether a condition exists, its key, its severity and its title's name come from the result's typed findings,
 * never from the labels of its details: a reworded label changes no alert. A title shows the figures as the
 * report words them (the value of the finding's line), a health alert the summary.
 * - health: an unhealthy or unreachable Connector is one critical condition, the services not healthy named;
 * - resources: each figure over its critical threshold (CPU, memory, a disk, a disk full within the forecast's days);
 * - key material: each finding that warns (a certificate close to expiry, a public key missing) or is critical;
 * - image update: a newer version of the same major, once per version.
 */
export function conditionsOf(result: CheckResult): Condition[] | undefined {
  if (result.status === 'unknown') return undefined;
  switch (result.id) {
    case 'health':
      return (result.findings ?? []).map((finding) => ({ key: 'health', severity: 'critical', title: result.summary, detail: healthDetail(finding) }));
    case 'resources':
      return (result.findings ?? []).flatMap((finding) =>
        finding.status === 'critical' ? [lineCondition(result, finding, resourceWords(finding, DISK_ROLE_KEYS), 'critical', resourceWords(finding, DISK_ROLE_WORDS))] : [],
      );
    case 'key-material':
      return (result.findings ?? []).flatMap((finding) =>
        finding.status === 'warn' || finding.status === 'critical' ? [lineCondition(result, finding, KEY_MATERIAL_KEYS[finding.kind], finding.status)] : [],
      );
    case 'image-update':
      return (result.findings ?? []).flatMap((finding) => (finding.kind === 'update' && !finding.major ? [updateCondition(finding, result.summary)] : []));
    default:
      return [];
  }
}

/** A condition keyed and named by its finding (the name is the key unless worded otherwise now), its title the figures of the finding's line in the details. */
function lineCondition(result: CheckResult, finding: { line: number }, key: string, severity: Condition['severity'], name = key): Condition {
  const value = result.details[finding.line]?.value;
  return { key, severity, title: value === undefined ? name : `${name}: ${value}`, detail: '' };
}

function healthDetail(finding: HealthFinding): string {
  return finding.kind === 'unhealthy' ? finding.services.map(({ name, state }) => `${name}: ${state}`).join('\n') : `health route: ${finding.reason}`;
}

// The keys below are the words the details had when alerts were keyed by them, so that an alert firing across an
// upgrade keeps its identity (its key is its id in the store). They are frozen on purpose: a detail may be
// reworded, its alert's key stays. A disk's title words its roles as the details do now (DISK_ROLE_WORDS): the
// data root, keyed "Docker data root", is any engine's.

const DISK_ROLE_KEYS: Record<DiskRole, string> = { 'docker-data-root': 'Docker data root', 'data-dir': 'DATA_DIR', configured: 'configured' };

/** What a resources finding measured, its disks' roles in the words given: the frozen keys, or the details' words for a title. */
function resourceWords(finding: ResourceFinding, roleWords: Readonly<Record<DiskRole, string>>): string {
  switch (finding.kind) {
    case 'host-cpu':
      return `CPU load (${finding.remoteEngine ? "bot's host" : 'host'})`;
    case 'host-memory':
      return `Memory (${finding.remoteEngine ? "bot's host" : 'host'})`;
    case 'container-cpu':
      return `Container ${finding.container} CPU`;
    case 'container-memory':
      return `Container ${finding.container} memory`;
    case 'disk':
      return `Disk ${finding.paths.map(({ path, roles }) => `${path} (${roles.map((role) => roleWords[role]).join(', ')})`).join(', ')}`;
  }
}

const KEY_MATERIAL_KEYS: Record<KeyMaterialFinding['kind'], string> = {
  identity: 'identity',
  'backbone-authentication': 'Backbone authentication',
  'api-key': 'API key',
  certificate: 'TLS certificate',
};

/** Keyed by the versions, so each newer version is told once. */
function updateCondition(update: Extract<Finding<'image-update'>, { kind: 'update' }>, summary: string): Condition {
  const versions = `${update.current} → ${update.recommended} (newest ${semver.major(update.current)}.x)`;
  return { key: `update ${versions}`, severity: 'warn', title: `${versions} available`, detail: summary, once: true };
}

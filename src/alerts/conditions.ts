import type { AlertKind } from '../domain/alert.ts';
import type { CheckResult } from '../domain/check-result.ts';
import type { Condition } from './engine.ts';

/** The checks the probes run, and the alert kind each one's findings raise. */
export const PROBED: ReadonlyArray<{ check: CheckResult['id']; kind: AlertKind; slow: boolean }> = [
  { check: 'health', kind: 'health', slow: false },
  { check: 'resources', kind: 'resources', slow: false },
  { check: 'key-material', kind: 'key-material', slow: true },
  { check: 'image-update', kind: 'image-update', slow: true },
];

/**
 * What a check result says is bad now, as alert conditions; undefined when the check could not look (unknown):
 * that is no observation at all, neither bad nor good, so it neither raises nor resolves anything.
 * - health: critical is one condition, the unhealthy services named by the summary;
 * - resources: each line over its critical threshold (CPU, memory, a disk, a disk full within the forecast's days);
 * - key material: each line that warns (a certificate or API key close to expiry) or is critical;
 * - image update: a newer version of the same major, once per version.
 */
export function conditionsOf(result: CheckResult): Condition[] | undefined {
  if (result.status === 'unknown') return undefined;
  const bad = (statuses: ReadonlyArray<string>) => result.details.filter((detail) => detail.status !== undefined && statuses.includes(detail.status));
  switch (result.id) {
    case 'health':
      return result.status === 'critical'
        ? [{ key: 'health', severity: 'critical', title: result.summary, detail: result.details.filter((d) => d.status === 'critical').map((d) => `${d.label}: ${d.value}`).join('\n') }]
        : [];
    case 'resources':
      return bad(['critical']).map((detail) => ({ key: detail.label, severity: 'critical', title: `${detail.label}: ${detail.value}`, detail: '' }));
    case 'key-material':
      return bad(['warn', 'critical']).map((detail) => ({ key: detail.label, severity: detail.status === 'critical' ? 'critical' : 'warn', title: `${detail.label}: ${detail.value}`, detail: '' }));
    case 'image-update':
      return result.details
        .filter((detail) => detail.label === 'update' && detail.status === 'warn')
        .map((detail) => ({ key: `update ${detail.value}`, severity: 'warn', title: `${detail.value} available`, detail: result.summary, once: true }));
    default:
      return [];
  }
}

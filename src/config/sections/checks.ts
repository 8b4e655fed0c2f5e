import type { Config, Thresholds } from '../config.ts';
import { SETTINGS, type Setting } from '../settings.ts';
import type { Resolved, Sources } from '../sources.ts';
import type { percent } from '../values.ts';

/** The checks' settings; their YAML schema is derived from the table. */
export function readChecks(sources: Sources): Config['checks'] {
  const read = sources.read.bind(sources);
  return {
    timeoutMs: read(SETTINGS.CHECK_TIMEOUT_MS),
    concurrency: read(SETTINGS.CHECK_CONCURRENCY),
    backgroundRunMs: read(SETTINGS.BACKGROUND_RUN_SECONDS) * 1000,
    resources: {
      cpu: thresholds(sources, SETTINGS.CPU_WARN_PERCENT, SETTINGS.CPU_CRITICAL_PERCENT),
      memory: thresholds(sources, SETTINGS.MEMORY_WARN_PERCENT, SETTINGS.MEMORY_CRITICAL_PERCENT),
      disk: thresholds(sources, SETTINGS.DISK_WARN_PERCENT, SETTINGS.DISK_CRITICAL_PERCENT),
      paths: read(SETTINGS.DISK_PATHS),
    },
    errorLogs: { windowHours: read(SETTINGS.ERROR_LOG_WINDOW_HOURS), timeoutMs: read(SETTINGS.ERROR_LOG_TIMEOUT_MS) },
    imageUpdate: { includePrereleases: read(SETTINGS.INCLUDE_PRERELEASES) },
    sync: { intervalMultiple: read(SETTINGS.SYNC_INTERVAL_MULTIPLE), maxAgeMinutes: read(SETTINGS.SYNC_MAX_AGE_MINUTES) },
    versions: {
      minDockerVersion: read(SETTINGS.MIN_DOCKER_VERSION),
      minPodmanVersion: read(SETTINGS.MIN_PODMAN_VERSION),
      minKernel: read(SETTINGS.MIN_KERNEL_VERSION),
    },
    oldMaterial: {
      logRetentionDays: read(SETTINGS.LOG_RETENTION_DAYS),
      backupRetentionDays: read(SETTINGS.BACKUP_RETENTION_DAYS),
    },
  };
}

type PercentSetting = Setting<typeof percent, number>;

/** Warn and critical, wherever each comes from; warn above critical would never warn. */
function thresholds(sources: Sources, warnSetting: PercentSetting, criticalSetting: PercentSetting): Thresholds {
  const warn = sources.resolve(warnSetting);
  const critical = sources.resolve(criticalSetting);
  if (warn.value > critical.value) {
    const { file } = sources;
    if (file && warn.from !== 'env' && critical.from !== 'env') {
      // Both from the file (or one of them defaulted): named by the object that holds them, e.g. checks.resources.cpu.
      const holder = warnSetting.file?.slice(0, warnSetting.file.lastIndexOf('.')) ?? warnSetting.env;
      sources.problems.push(file.problem(holder, 'warn must not be above critical'));
    } else {
      sources.problems.push(`${source(sources, warnSetting, warn)} must not be above ${source(sources, criticalSetting, critical)}`);
    }
  }
  return { warn: warn.value, critical: critical.value };
}

/** `CPU_WARN_PERCENT (95)`, or `checks.resources.cpu.warn (95) in /etc/connector-ops.yml` for a value of the file. */
function source(sources: Sources, setting: PercentSetting, resolved: Resolved<number>): string {
  if (resolved.from === 'file' && sources.file) return `${setting.file} (${resolved.value}) in ${sources.file.path}`;
  return `${setting.env} (${resolved.value})`;
}

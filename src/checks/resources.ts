import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import type { ContainerResources, ContainerResourcesSource, DockerDataRoot } from '../integrations/docker/container-stats.ts';
import type { CpuLoad, FileSystemUse, HostResources, MemoryUse } from '../integrations/host/resources.ts';
import { describeFailure, withTimeout } from '../integrations/http/timeout.ts';
import type { DiskSampleReader, SamplesLeftOut } from '../domain/samples.ts';
import type { Check, CheckContext } from './check.ts';
import { readOnce } from './shared-readings.ts';
import { DEFAULT_ENGINE } from '../config/config.ts';
import { forecastDiskFull } from './resources-disk-forecast.ts';
import { formatBytes, formatPercent, thresholdStatus, type Threshold } from './resources-format.ts';
import { settle, type Outcome } from './outcome.ts';
import { containerSample } from './resources-container-samples.ts';

export interface ResourcesCheckOptions {
  thresholds: { cpu: Threshold; memory: Threshold; disk: Threshold };
  /** Further paths whose file systems matter, e.g. the MongoDB volume. */
  paths: string[];
  /** The bot's own DATA_DIR. */
  dataDir: string;
  /** Where disk samples are kept for the forecast; without it there is no forecast; left out, the forecast says why. */
  sampleStore?: DiskSampleReader | SamplesLeftOut;
  /** Warn or go critical when a disk is forecast to be full within this many days. */
  forecastDays: { warn: number; critical: number };
  /** Bound of each outside call (host, engine); below the runner's timeout so the other parts still report. */
  timeoutMs: number;
}

export const DEFAULT_RESOURCES_OPTIONS: Omit<ResourcesCheckOptions, 'dataDir' | 'paths' | 'sampleStore'> = {
  thresholds: {
    cpu: { warn: 80, critical: 90 },
    memory: { warn: 80, critical: 90 },
    disk: { warn: 80, critical: 90 },
  },
  forecastDays: { warn: 14, critical: 3 },
  timeoutMs: 5_000,
};

const DAY_MS = 86_400_000;
// At most one sample per path in this interval, so a burst of checks does not fill the table.
const FORECAST_WINDOW_MS = 7 * DAY_MS;

/** One measured thing: its detail line and a short form for the summary. */
interface Finding {
  detail: CheckDetail;
  short: string;
}


/** Host CPU, memory and disks, the connector container's CPU and memory, and when a disk will be full. */
export class ResourcesCheck implements Check {
  readonly id = 'resources' as const;

  private readonly host: HostResources;
  private readonly docker: ContainerResourcesSource;
  private readonly options: ResourcesCheckOptions;

  constructor(
    host: HostResources,
    docker: ContainerResourcesSource,
    options: ResourcesCheckOptions,
  ) {
    this.host = host;
    this.docker = docker;
    this.options = options;
  }

  appliesTo(): boolean {
    return true;
  }

  async run({ connector, signal, now, shared }: CheckContext): Promise<CheckResult> {
    const partSignal = withTimeout(signal, this.options.timeoutMs);
    const engine = connector.engine ?? DEFAULT_ENGINE;
    // Host facts once per report (and the data root once per engine), however many connectors it covers.
    const [cpu, memory, root, container] = await Promise.all([
      readOnce(shared, 'host-cpu', () => settle(this.host.cpuLoad(partSignal))),
      readOnce(shared, 'host-memory', () => settle(this.host.memory(partSignal))),
      readOnce(shared, `data-root:${engine}`, () => settle(this.docker.dataRoot(partSignal))),
      connector.container
        ? containerSample(this.docker, connector.container, engine, { signal: partSignal, shared, timeoutMs: this.options.timeoutMs })
        : undefined,
    ]);
    // With a remote engine the CPU and memory read here are the bot's machine, not the Connector's.
    const hostName = root.ok && !root.value.local ? "bot's host" : 'host';
    const findings = [
      this.cpuFinding(cpu, hostName),
      this.memoryFinding(memory, hostName),
      ...(await this.diskFindings(root, partSignal, now)),
      ...(container ? this.containerFindings(connector, container) : []),
    ];
    const details = findings.map((f) => f.detail);
    const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
    return checkResult('resources', status, summarise(findings, status), details);
  }

  private cpuFinding(cpu: Outcome<CpuLoad>, hostName: string): Finding {
    const label = `CPU load (${hostName})`;
    if (!cpu.ok) return unreadable(label, 'CPU', cpu.reason);
    const [one = 0, five = 0, fifteen = 0] = cpu.value.loadAverage;
    const cores = cpu.value.cores === 1 ? '1 core' : `${cpu.value.cores} cores`;
    const loads = [one, five, fifteen].map((l) => l.toFixed(2)).join(' / ');
    return {
      detail: {
        label,
        // The percentage is the 5-minute load: steadier than the 1-minute figure a single run would catch.
        value: `${formatPercent(cpu.value.percent)} of ${cores} (load average ${loads} over 1 / 5 / 15 min)`,
        status: thresholdStatus(cpu.value.percent, this.options.thresholds.cpu),
      },
      short: `CPU ${formatPercent(cpu.value.percent)}`,
    };
  }

  private memoryFinding(memory: Outcome<MemoryUse>, hostName: string): Finding {
    const label = `Memory (${hostName})`;
    if (!memory.ok) return unreadable(label, 'memory', memory.reason);
    const { totalBytes, availableBytes, usedPercent } = memory.value;
    return {
      detail: {
        label,
        value: `${formatPercent(usedPercent)} used, ${formatBytes(availableBytes)} available of ${formatBytes(totalBytes)}`,
        status: thresholdStatus(usedPercent, this.options.thresholds.memory),
      },
      short: `memory ${formatPercent(usedPercent)}`,
    };
  }

  private async diskFindings(root: Outcome<DockerDataRoot>, signal: AbortSignal, now: Date): Promise<Finding[]> {
    const findings: Finding[] = [];
    const roles = new Map<string, string>();
    const role = (path: string, name: string) => roles.set(path, roles.has(path) ? `${roles.get(path)}, ${name}` : name);
    if (!root.ok) findings.push(unreadable('Disk of Docker data root', 'Docker data root', `cannot ask the engine: ${root.reason}`));
    else if (!root.value.local) {
      findings.push({
        detail: {
          label: 'Disk of Docker data root',
          value: `not measured: the engine at ${root.value.engine} is remote, its data root is on that host`,
        },
        short: 'Docker data root not measured',
      });
    } else role(root.value.path, 'Docker data root');
    role(this.options.dataDir, 'DATA_DIR');
    for (const path of this.options.paths) role(path, 'configured');

    const reading = await settle(this.host.disks([...roles.keys()], signal));
    if (!reading.ok) return [...findings, unreadable('Disks', 'disks', reading.reason)];
    for (const fs of reading.value.fileSystems) {
      const label = `Disk ${fs.paths.map((p) => `${p} (${roles.get(p)})`).join(', ')}`;
      findings.push(...this.fileSystemFindings(fs, label, now));
    }
    for (const { path, reason } of reading.value.unreadable) {
      findings.push(unreadable(`Disk ${path} (${roles.get(path)})`, `disk ${path}`, reason));
    }
    const store = this.options.sampleStore;
    // Said once, without a status: what was measured still judges the disks.
    if (store && 'leftOut' in store) findings.push({ detail: { label: 'Disk forecast', value: `left out: ${store.leftOut}` }, short: 'disk forecast left out' });
    return findings;
  }

  private fileSystemFindings(fs: FileSystemUse, label: string, now: Date): Finding[] {
    const path = fs.paths[0] as string;
    const usage = `${formatPercent(fs.usedPercent)} used, ${formatBytes(fs.availableBytes)} free of ${formatBytes(fs.totalBytes)}`;
    const usageStatus = thresholdStatus(fs.usedPercent, this.options.thresholds.disk);
    const forecast = this.forecast(path, now);
    if (!forecast.ok) {
      return [
        { detail: { label, value: usage, status: usageStatus }, short: `disk ${path} ${formatPercent(fs.usedPercent)}` },
        unreadable(`Disk forecast ${path}`, `forecast ${path}`, forecast.reason),
      ];
    }
    const status = worstStatus([usageStatus, forecast.value?.status ?? 'ok']);
    const short =
      forecast.value && forecast.value.status !== 'ok' && usageStatus === 'ok'
        ? `disk ${path} ${forecast.value.text}`
        : `disk ${path} ${formatPercent(fs.usedPercent)}`;
    const value = forecast.value ? `${usage}; ${forecast.value.text}` : usage;
    return [{ detail: { label, value, status }, short }];
  }

  /** Forecasts from the last days' samples, which the disk sampler keeps; the check writes none. */
  private forecast(path: string, now: Date): Outcome<{ text: string; status: CheckStatus } | undefined> {
    const store = this.options.sampleStore;
    if (!store || 'leftOut' in store) return { ok: true, value: undefined };
    try {
      const forecast = forecastDiskFull(store.since(path, new Date(now.getTime() - FORECAST_WINDOW_MS)));
      if (forecast.kind === 'none') return { ok: true, value: undefined };
      if (forecast.kind === 'full') return { ok: true, value: { text: 'full', status: 'critical' } };
      const days = forecast.daysUntilFull;
      const { warn, critical } = this.options.forecastDays;
      const status: CheckStatus = days <= critical ? 'critical' : days <= warn ? 'warn' : 'ok';
      const when = days < 1 ? 'full within a day' : days > 365 ? 'full in more than a year' : `full in ~${Math.floor(days)} days`;
      return { ok: true, value: { text: `rising ${formatBytes(forecast.bytesPerDay)}/day, ${when}`, status } };
    } catch (error) {
      return { ok: false, reason: `sample store: ${describeFailure(error)}` };
    }
  }

  private containerFindings(connector: Connector, outcome: Outcome<ContainerResources>): Finding[] {
    const name = connector.container as string;
    if (!outcome.ok) return [unreadable(`Container ${name}`, `container ${name}`, outcome.reason)];
    const resources = outcome.value;
    if (!resources.running) {
      return [
        {
          detail: { label: `Container ${name}`, value: `not running (${resources.state}): nothing to measure` },
          short: `container ${name} not running`,
        },
      ];
    }
    const findings: Finding[] = [];
    const cpu = resources.cpu;
    if (!cpu) {
      findings.push(unreadable(`Container ${name} CPU`, `container CPU`, 'the engine gave no earlier sample to compare with'));
    } else {
      const ofWhat =
        cpu.limitCpus !== undefined
          ? `of its limit of ${formatCpus(cpu.limitCpus)}`
          : `of the host's ${formatCpus(cpu.onlineCpus)} (no limit set)`;
      findings.push({
        detail: {
          label: `Container ${name} CPU`,
          value: `${formatPercent(cpu.percentOfAllowed)} ${ofWhat}; ${formatPercent(cpu.percent)} of one core`,
          status: thresholdStatus(cpu.percentOfAllowed, this.options.thresholds.cpu),
        },
        short: `container CPU ${formatPercent(cpu.percentOfAllowed)}`,
      });
    }
    const memory = resources.memory;
    if (!memory) {
      findings.push(unreadable(`Container ${name} memory`, 'container memory', 'the engine reported no memory figures'));
    } else {
      const used = formatBytes(memory.usedBytes);
      const value = memory.limited
        ? `${used} of its ${formatBytes(memory.limitBytes)} limit (${formatPercent(memory.percent)})`
        : `${used}, no limit set (${formatPercent(memory.percent)} of the host's ${formatBytes(memory.limitBytes)})`;
      findings.push({
        detail: {
          label: `Container ${name} memory`,
          value,
          status: thresholdStatus(memory.percent, this.options.thresholds.memory),
        },
        short: `container memory ${formatPercent(memory.percent)}`,
      });
    }
    return findings;
  }
}

function unreadable(label: string, short: string, reason: string): Finding {
  return { detail: { label, value: `could not read: ${reason}`, status: 'unknown' }, short: `${short} unreadable` };
}

function formatCpus(cpus: number): string {
  const text = Number.isInteger(cpus) ? cpus.toString() : cpus.toFixed(2).replace(/0$/, '');
  return cpus === 1 ? '1 CPU' : `${text} CPUs`;
}

const SEVERITY: Record<CheckStatus, number> = { critical: 0, unknown: 1, warn: 2, ok: 3 };
const SUMMARY_ITEMS = 3;

/** The findings that are not ok, worst first; when all are ok, the host's headline figures. */
function summarise(findings: Finding[], status: CheckStatus): string {
  if (status === 'ok') {
    const statused = findings.filter((f) => f.detail.status === 'ok').slice(0, SUMMARY_ITEMS);
    return statused.length > 0 ? statused.map((f) => f.short).join(', ') : 'nothing measured';
  }
  const bad = findings
    .filter((f) => f.detail.status !== undefined && f.detail.status !== 'ok')
    .sort((a, b) => SEVERITY[a.detail.status as CheckStatus] - SEVERITY[b.detail.status as CheckStatus]);
  const shown = bad.slice(0, SUMMARY_ITEMS).map((f) => `${f.short} (${f.detail.status})`);
  const more = bad.length > SUMMARY_ITEMS ? `, and ${bad.length - SUMMARY_ITEMS} more` : '';
  return shown.join(', ') + more;
}


import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import type { ContainerResources, DockerDataRoot } from '../integrations/docker/container-stats.ts';
import type { CpuLoad, DiskReading, FileSystemUse, MemoryUse } from '../integrations/host/resources.ts';
import type { Outcome } from './outcome.ts';
import type { DiskForecast } from './resources-disk-forecast.ts';
import { formatBytes, formatPercent, thresholdStatus, type Threshold } from './resources-format.ts';

/** What the resources check read, the input of the pure judgement below. */
export interface ResourceReadings {
  cpu: Outcome<CpuLoad>;
  memory: Outcome<MemoryUse>;
  dataRoot: Outcome<DockerDataRoot>;
  /** The file systems of the paths `diskRoles` names. */
  disks: Outcome<DiskReading>;
  /** Each file system's forecast, by its first path; none without a sample store. */
  forecasts: ReadonlyMap<string, Outcome<DiskForecast>>;
  /** Why the samples, and so every forecast, were left out. */
  samplesLeftOut?: string;
  /** The connector's container, when it has one. */
  container?: { name: string; resources: Outcome<ContainerResources> };
}

export interface ResourceJudgement {
  thresholds: { cpu: Threshold; memory: Threshold; disk: Threshold };
  /** Warn or go critical when a disk is forecast to be full within this many days. */
  forecastDays: { warn: number; critical: number };
  /** The bot's own DATA_DIR. */
  dataDir: string;
  /** Further paths whose file systems matter, e.g. the MongoDB volume. */
  paths: string[];
}

/** One measured thing: its detail line and a short form for the summary. */
interface Line {
  detail: CheckDetail;
  short: string;
}

/** The paths whose disks are measured, each with what it is (several roles may share a path). */
export function diskRoles(dataRoot: Outcome<DockerDataRoot>, judgement: Pick<ResourceJudgement, 'dataDir' | 'paths'>): Map<string, string> {
  const roles = new Map<string, string>();
  const role = (path: string, name: string) => roles.set(path, roles.has(path) ? `${roles.get(path)}, ${name}` : name);
  if (dataRoot.ok && dataRoot.value.local) role(dataRoot.value.path, 'Docker data root');
  role(judgement.dataDir, 'DATA_DIR');
  for (const path of judgement.paths) role(path, 'configured');
  return roles;
}

/** Host CPU, memory and disks, the container's CPU and memory, and when a disk will be full, against their thresholds. */
export function judgeResources(readings: ResourceReadings, judgement: ResourceJudgement): CheckResult {
  // With a remote engine the CPU and memory read here are the bot's machine, not the Connector's.
  const hostName = readings.dataRoot.ok && !readings.dataRoot.value.local ? "bot's host" : 'host';
  const lines = [
    cpuLine(readings.cpu, hostName, judgement),
    memoryLine(readings.memory, hostName, judgement),
    ...diskLines(readings, judgement),
    ...(readings.container ? containerLines(readings.container.name, readings.container.resources, judgement) : []),
  ];
  const details = lines.map((l) => l.detail);
  const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
  return checkResult('resources', status, summarise(lines, status), details);
}

function cpuLine(cpu: Outcome<CpuLoad>, hostName: string, judgement: ResourceJudgement): Line {
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
      status: thresholdStatus(cpu.value.percent, judgement.thresholds.cpu),
    },
    short: `CPU ${formatPercent(cpu.value.percent)}`,
  };
}

function memoryLine(memory: Outcome<MemoryUse>, hostName: string, judgement: ResourceJudgement): Line {
  const label = `Memory (${hostName})`;
  if (!memory.ok) return unreadable(label, 'memory', memory.reason);
  const { totalBytes, availableBytes, usedPercent } = memory.value;
  return {
    detail: {
      label,
      value: `${formatPercent(usedPercent)} used, ${formatBytes(availableBytes)} available of ${formatBytes(totalBytes)}`,
      status: thresholdStatus(usedPercent, judgement.thresholds.memory),
    },
    short: `memory ${formatPercent(usedPercent)}`,
  };
}

function diskLines(readings: ResourceReadings, judgement: ResourceJudgement): Line[] {
  const lines: Line[] = [];
  const root = readings.dataRoot;
  if (!root.ok) lines.push(unreadable('Disk of Docker data root', 'Docker data root', `cannot ask the engine: ${root.reason}`));
  else if (!root.value.local) {
    lines.push({
      detail: {
        label: 'Disk of Docker data root',
        value: `not measured: the engine at ${root.value.engine} is remote, its data root is on that host`,
      },
      short: 'Docker data root not measured',
    });
  }
  const roles = diskRoles(root, judgement);
  const reading = readings.disks;
  if (!reading.ok) return [...lines, unreadable('Disks', 'disks', reading.reason)];
  for (const fs of reading.value.fileSystems) {
    const label = `Disk ${fs.paths.map((p) => `${p} (${roles.get(p)})`).join(', ')}`;
    lines.push(...fileSystemLines(fs, label, readings.forecasts.get(fs.paths[0] as string), judgement));
  }
  for (const { path, reason } of reading.value.unreadable) {
    lines.push(unreadable(`Disk ${path} (${roles.get(path)})`, `disk ${path}`, reason));
  }
  // Said once, without a status: what was measured still judges the disks.
  if (readings.samplesLeftOut !== undefined) {
    lines.push({ detail: { label: 'Disk forecast', value: `left out: ${readings.samplesLeftOut}` }, short: 'disk forecast left out' });
  }
  return lines;
}

function fileSystemLines(fs: FileSystemUse, label: string, forecast: Outcome<DiskForecast> | undefined, judgement: ResourceJudgement): Line[] {
  const path = fs.paths[0] as string;
  const usage = `${formatPercent(fs.usedPercent)} used, ${formatBytes(fs.availableBytes)} free of ${formatBytes(fs.totalBytes)}`;
  const usageStatus = thresholdStatus(fs.usedPercent, judgement.thresholds.disk);
  if (forecast && !forecast.ok) {
    return [
      { detail: { label, value: usage, status: usageStatus }, short: `disk ${path} ${formatPercent(fs.usedPercent)}` },
      unreadable(`Disk forecast ${path}`, `forecast ${path}`, forecast.reason),
    ];
  }
  const judged = forecast && judgeForecast(forecast.value, judgement);
  const status = worstStatus([usageStatus, judged?.status ?? 'ok']);
  const short =
    judged && judged.status !== 'ok' && usageStatus === 'ok' ? `disk ${path} ${judged.text}` : `disk ${path} ${formatPercent(fs.usedPercent)}`;
  const value = judged ? `${usage}; ${judged.text}` : usage;
  return [{ detail: { label, value, status }, short }];
}

function judgeForecast(forecast: DiskForecast, judgement: ResourceJudgement): { text: string; status: CheckStatus } | undefined {
  if (forecast.kind === 'none') return undefined;
  if (forecast.kind === 'full') return { text: 'full', status: 'critical' };
  const days = forecast.daysUntilFull;
  const { warn, critical } = judgement.forecastDays;
  const status: CheckStatus = days <= critical ? 'critical' : days <= warn ? 'warn' : 'ok';
  const when = days < 1 ? 'full within a day' : days > 365 ? 'full in more than a year' : `full in ~${Math.floor(days)} days`;
  return { text: `rising ${formatBytes(forecast.bytesPerDay)}/day, ${when}`, status };
}

function containerLines(name: string, outcome: Outcome<ContainerResources>, judgement: ResourceJudgement): Line[] {
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
  const lines: Line[] = [];
  const cpu = resources.cpu;
  if (!cpu) {
    lines.push(unreadable(`Container ${name} CPU`, `container CPU`, 'the engine gave no earlier sample to compare with'));
  } else {
    const ofWhat =
      cpu.limitCpus !== undefined ? `of its limit of ${formatCpus(cpu.limitCpus)}` : `of the host's ${formatCpus(cpu.onlineCpus)} (no limit set)`;
    lines.push({
      detail: {
        label: `Container ${name} CPU`,
        value: `${formatPercent(cpu.percentOfAllowed)} ${ofWhat}; ${formatPercent(cpu.percent)} of one core`,
        status: thresholdStatus(cpu.percentOfAllowed, judgement.thresholds.cpu),
      },
      short: `container CPU ${formatPercent(cpu.percentOfAllowed)}`,
    });
  }
  const memory = resources.memory;
  if (!memory) {
    lines.push(unreadable(`Container ${name} memory`, 'container memory', 'the engine reported no memory figures'));
  } else {
    const used = formatBytes(memory.usedBytes);
    const value = memory.limited
      ? `${used} of its ${formatBytes(memory.limitBytes)} limit (${formatPercent(memory.percent)})`
      : `${used}, no limit set (${formatPercent(memory.percent)} of the host's ${formatBytes(memory.limitBytes)})`;
    lines.push({
      detail: { label: `Container ${name} memory`, value, status: thresholdStatus(memory.percent, judgement.thresholds.memory) },
      short: `container memory ${formatPercent(memory.percent)}`,
    });
  }
  return lines;
}

function unreadable(label: string, short: string, reason: string): Line {
  return { detail: { label, value: `could not read: ${reason}`, status: 'unknown' }, short: `${short} unreadable` };
}

function formatCpus(cpus: number): string {
  const text = Number.isInteger(cpus) ? cpus.toString() : cpus.toFixed(2).replace(/0$/, '');
  return cpus === 1 ? '1 CPU' : `${text} CPUs`;
}

const SEVERITY: Record<CheckStatus, number> = { critical: 0, unknown: 1, warn: 2, ok: 3 };
const SUMMARY_ITEMS = 3;

/** The lines that are not ok, worst first; when all are ok, the host's headline figures. */
function summarise(lines: Line[], status: CheckStatus): string {
  if (status === 'ok') {
    const statused = lines.filter((l) => l.detail.status === 'ok').slice(0, SUMMARY_ITEMS);
    return statused.length > 0 ? statused.map((l) => l.short).join(', ') : 'nothing measured';
  }
  const bad = lines
    .filter((l) => l.detail.status !== undefined && l.detail.status !== 'ok')
    .sort((a, b) => SEVERITY[a.detail.status as CheckStatus] - SEVERITY[b.detail.status as CheckStatus]);
  const shown = bad.slice(0, SUMMARY_ITEMS).map((l) => `${l.short} (${l.detail.status})`);
  const more = bad.length > SUMMARY_ITEMS ? `, and ${bad.length - SUMMARY_ITEMS} more` : '';
  return shown.join(', ') + more;
}

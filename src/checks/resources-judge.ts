import type { ResourcesData } from '../domain/check-data.ts';
import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import { DISK_ROLE_WORDS, type DiskFullForecast, type DiskRole, type ResourceFinding, type Unplaced } from '../domain/finding.ts';
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

/** One measured thing: its detail line, a short form for the summary, and what it found as data. */
interface Line {
  detail: CheckDetail;
  short: string;
  finding?: Unplaced<ResourceFinding>;
}

/** The paths whose disks are measured, each with what it is (several roles may share a path). */
export function diskRoles(dataRoot: Outcome<DockerDataRoot>, judgement: Pick<ResourceJudgement, 'dataDir' | 'paths'>): Map<string, DiskRole[]> {
  const roles = new Map<string, DiskRole[]>();
  const role = (path: string, what: DiskRole) => roles.set(path, [...(roles.get(path) ?? []), what]);
  if (dataRoot.ok && dataRoot.value.local) role(dataRoot.value.path, 'docker-data-root');
  role(judgement.dataDir, 'data-dir');
  for (const path of judgement.paths) role(path, 'configured');
  return roles;
}

/** A path as its detail names it: `/data (DATA_DIR)`. */
function pathWords(path: string, roles: Map<string, DiskRole[]>): string {
  return `${path} (${(roles.get(path) ?? []).map((role) => DISK_ROLE_WORDS[role]).join(', ')})`;
}

/** Host CPU, memory and disks, the container's CPU and memory, and when a disk will be full, against their thresholds. */
export function judgeResources(readings: ResourceReadings, judgement: ResourceJudgement): CheckResult<'resources'> {
  // With a remote engine the CPU and memory read here are the bot's machine, not the Connector's.
  const remoteEngine = readings.dataRoot.ok && !readings.dataRoot.value.local;
  const lines = [
    cpuLine(readings.cpu, remoteEngine, judgement),
    memoryLine(readings.memory, remoteEngine, judgement),
    ...diskLines(readings, judgement),
    ...(readings.container ? containerLines(readings.container.name, readings.container.resources, judgement) : []),
  ];
  const details = lines.map((l) => l.detail);
  const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
  const findings = lines.flatMap(({ finding }, line) => (finding ? [{ ...finding, line }] : []));
  return checkResult('resources', status, summarise(lines, status), details, findings, resourcesData(findings, remoteEngine));
}

/** The findings as one object: the figures as ratios, each container's under its name. */
function resourcesData(findings: readonly ResourceFinding[], remoteEngine: boolean): ResourcesData {
  const data: ResourcesData = { host: { remoteEngine }, containers: [], disks: [] };
  const container = (name: string) => {
    let entry = data.containers.find((c) => c.name === name);
    if (!entry) data.containers.push((entry = { name }));
    return entry;
  };
  for (const finding of findings) {
    const usedRatio = finding.usedPercent / 100;
    switch (finding.kind) {
      case 'host-cpu':
        data.host.cpu = { cores: finding.cores, loadAverage: finding.loadAverage, usedRatio };
        break;
      case 'host-memory':
        data.host.memory = { usedBytes: finding.totalBytes - finding.availableBytes, totalBytes: finding.totalBytes, usedRatio };
        break;
      case 'container-cpu': {
        const { oneCorePercent, onlineCpus, limitCpus } = finding;
        container(finding.container).cpu = { usedRatio, oneCoreRatio: oneCorePercent / 100, onlineCpus, ...(limitCpus !== undefined && { limitCpus }) };
        break;
      }
      case 'container-memory':
        container(finding.container).memory = { usedBytes: finding.usedBytes, limitBytes: finding.limitBytes, limited: finding.limited, usedRatio };
        break;
      case 'disk': {
        const { paths, usedBytes, availableBytes, totalBytes, forecast } = finding;
        const full = forecast && (forecast.full ? { full: true as const } : { full: false as const, bytesPerDay: forecast.bytesPerDay, fullAt: forecast.fullAt });
        data.disks.push({ paths, usedBytes, availableBytes, totalBytes, usedRatio, ...(full && { forecast: full }) });
        break;
      }
    }
  }
  return data;
}

/** A percentage against its thresholds, as a finding carries it. */
function judged(usedPercent: number, threshold: Threshold) {
  return { usedPercent, warnPercent: threshold.warn, criticalPercent: threshold.critical, status: thresholdStatus(usedPercent, threshold) };
}

function cpuLine(cpu: Outcome<CpuLoad>, remoteEngine: boolean, judgement: ResourceJudgement): Line {
  const label = `CPU load (${remoteEngine ? "bot's host" : 'host'})`;
  if (!cpu.ok) return unreadable(label, 'CPU', cpu.reason);
  const [one = 0, five = 0, fifteen = 0] = cpu.value.loadAverage;
  const cores = cpu.value.cores === 1 ? '1 core' : `${cpu.value.cores} cores`;
  const loads = [one, five, fifteen].map((l) => l.toFixed(2)).join(' / ');
  // The percentage is the 5-minute load: steadier than the 1-minute figure a single run would catch.
  const figure = judged(cpu.value.percent, judgement.thresholds.cpu);
  return {
    detail: { label, value: `${formatPercent(cpu.value.percent)} of ${cores} (load average ${loads} over 1 / 5 / 15 min)`, status: figure.status },
    short: `CPU ${formatPercent(cpu.value.percent)}`,
    finding: { kind: 'host-cpu', remoteEngine, cores: cpu.value.cores, loadAverage: [one, five, fifteen], ...figure },
  };
}

function memoryLine(memory: Outcome<MemoryUse>, remoteEngine: boolean, judgement: ResourceJudgement): Line {
  const label = `Memory (${remoteEngine ? "bot's host" : 'host'})`;
  if (!memory.ok) return unreadable(label, 'memory', memory.reason);
  const { totalBytes, availableBytes, usedPercent } = memory.value;
  const figure = judged(usedPercent, judgement.thresholds.memory);
  return {
    detail: {
      label,
      value: `${formatPercent(usedPercent)} used, ${formatBytes(availableBytes)} available of ${formatBytes(totalBytes)}`,
      status: figure.status,
    },
    short: `memory ${formatPercent(usedPercent)}`,
    finding: { kind: 'host-memory', remoteEngine, availableBytes, totalBytes, ...figure },
  };
}

/** The data root of the engine, whichever kind it is (Podman calls it its graph root). */
const DATA_ROOT_DISK = "Disk of the engine's data root";

function diskLines(readings: ResourceReadings, judgement: ResourceJudgement): Line[] {
  const lines: Line[] = [];
  const root = readings.dataRoot;
  if (!root.ok) lines.push(unreadable(DATA_ROOT_DISK, 'engine data root', `cannot ask the engine: ${root.reason}`));
  else if (!root.value.local) {
    lines.push({
      detail: {
        label: DATA_ROOT_DISK,
        value: `not measured: the engine at ${root.value.engine} is remote, its data root is on that host`,
      },
      short: 'engine data root not measured',
    });
  }
  const roles = diskRoles(root, judgement);
  const reading = readings.disks;
  if (!reading.ok) return [...lines, unreadable('Disks', 'disks', reading.reason)];
  for (const fs of reading.value.fileSystems) {
    lines.push(...fileSystemLines(fs, roles, readings.forecasts.get(fs.paths[0] as string), judgement));
  }
  for (const { path, reason } of reading.value.unreadable) {
    lines.push(unreadable(`Disk ${pathWords(path, roles)}`, `disk ${path}`, reason));
  }
  // Said once, without a status: what was measured still judges the disks.
  if (readings.samplesLeftOut !== undefined) {
    lines.push({ detail: { label: 'Disk forecast', value: `left out: ${readings.samplesLeftOut}` }, short: 'disk forecast left out' });
  }
  return lines;
}

function fileSystemLines(fs: FileSystemUse, roles: Map<string, DiskRole[]>, forecast: Outcome<DiskForecast> | undefined, judgement: ResourceJudgement): Line[] {
  const path = fs.paths[0] as string;
  const label = `Disk ${fs.paths.map((p) => pathWords(p, roles)).join(', ')}`;
  const usage = `${formatPercent(fs.usedPercent)} used, ${formatBytes(fs.availableBytes)} free of ${formatBytes(fs.totalBytes)}`;
  const figure = judged(fs.usedPercent, judgement.thresholds.disk);
  const disk = {
    kind: 'disk' as const,
    paths: fs.paths.map((p) => ({ path: p, roles: roles.get(p) ?? [] })),
    usedBytes: fs.usedBytes,
    availableBytes: fs.availableBytes,
    totalBytes: fs.totalBytes,
    ...figure,
  };
  if (forecast && !forecast.ok) {
    return [
      { detail: { label, value: usage, status: figure.status }, short: `disk ${path} ${formatPercent(fs.usedPercent)}`, finding: disk },
      unreadable(`Disk forecast ${path}`, `forecast ${path}`, forecast.reason),
    ];
  }
  const full = forecast && judgeForecast(forecast.value, judgement);
  const status = worstStatus([figure.status, full?.finding.status ?? 'ok']);
  const short =
    full && full.finding.status !== 'ok' && figure.status === 'ok' ? `disk ${path} ${full.text}` : `disk ${path} ${formatPercent(fs.usedPercent)}`;
  const value = full ? `${usage}; ${full.text}` : usage;
  return [{ detail: { label, value, status }, short, finding: { ...disk, status, ...(full && { forecast: full.finding }) } }];
}

function judgeForecast(forecast: DiskForecast, judgement: ResourceJudgement): { text: string; finding: DiskFullForecast } | undefined {
  if (forecast.kind === 'none') return undefined;
  if (forecast.kind === 'full') return { text: 'full', finding: { full: true, status: 'critical' } };
  const { daysUntilFull: days, bytesPerDay, fullAt } = forecast;
  const { warn, critical } = judgement.forecastDays;
  const status: CheckStatus = days <= critical ? 'critical' : days <= warn ? 'warn' : 'ok';
  const when = days < 1 ? 'full within a day' : days > 365 ? 'full in more than a year' : `full in ~${Math.floor(days)} days`;
  return { text: `rising ${formatBytes(bytesPerDay)}/day, ${when}`, finding: { full: false, bytesPerDay, daysUntilFull: days, fullAt: fullAt.toISOString(), status } };
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
    const figure = judged(cpu.percentOfAllowed, judgement.thresholds.cpu);
    lines.push({
      detail: {
        label: `Container ${name} CPU`,
        value: `${formatPercent(cpu.percentOfAllowed)} ${ofWhat}; ${formatPercent(cpu.percent)} of one core`,
        status: figure.status,
      },
      short: `container CPU ${formatPercent(cpu.percentOfAllowed)}`,
      finding: {
        kind: 'container-cpu',
        container: name,
        oneCorePercent: cpu.percent,
        onlineCpus: cpu.onlineCpus,
        ...(cpu.limitCpus !== undefined && { limitCpus: cpu.limitCpus }),
        ...figure,
      },
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
    const figure = judged(memory.percent, judgement.thresholds.memory);
    lines.push({
      detail: { label: `Container ${name} memory`, value, status: figure.status },
      short: `container memory ${formatPercent(memory.percent)}`,
      finding: { kind: 'container-memory', container: name, usedBytes: memory.usedBytes, limitBytes: memory.limitBytes, limited: memory.limited, ...figure },
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

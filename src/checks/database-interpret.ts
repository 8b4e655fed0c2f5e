import type { DatabaseData } from '../domain/check-data.ts';
import { checkResult, type CheckDetail, type CheckResult } from '../domain/check-result.ts';
import { worstStatus, type CheckStatus } from '../domain/status.ts';
import type { MongoMember, MongoSnapshot, MongoTopology, OplogWindow, Reading } from '../integrations/mongo/types.ts';

/** Where the database check draws its lines. */
export interface DatabaseThresholds {
  /** A ping slower than this is a warning. */
  slowRoundTripMs: number;
  lagWarnSeconds: number;
  lagCriticalSeconds: number;
  /** An oplog that covers less time than this leaves little room to bring a member back. */
  oplogWindowWarnHours: number;
  /** Warn when free disk is less than this many times the data on disk. */
  freeDiskDataRatio: number;
  /** A newest backup older than this is critical (older than `backupMaxAgeHours` is a warning). */
  backupCriticalHours: number;
}

export const DEFAULT_DATABASE_THRESHOLDS: DatabaseThresholds = {
  slowRoundTripMs: 500,
  lagWarnSeconds: 30,
  lagCriticalSeconds: 300,
  oplogWindowWarnHours: 24,
  freeDiskDataRatio: 2,
  backupCriticalHours: 72,
};

/** One line of the result, and what to say in the summary when it is not ok. */
export interface Finding {
  detail: CheckDetail;
  problem?: string;
}

function finding(label: string, value: string, status: CheckStatus | undefined, problem?: string): Finding {
  const detail: CheckDetail = status ? { label, value, status } : { label, value };
  return problem && status !== 'ok' ? { detail, problem } : { detail };
}

/** The database check's result from a snapshot (and further findings such as the backup age). */
export function databaseResult(
  snapshot: MongoSnapshot,
  thresholds: DatabaseThresholds,
  extra: Finding[] = [],
): CheckResult {
  const findings = [...snapshotFindings(snapshot, thresholds), ...extra];
  const status = worstStatus(findings.flatMap((f) => (f.detail.status ? [f.detail.status] : [])));
  return checkResult('database', status, summarise(snapshot, findings, status), findings.map((f) => f.detail), [], databaseData(snapshot));
}

/** What the snapshot read, as data: the parts that could not be read are left out. */
function databaseData(snapshot: MongoSnapshot): DatabaseData {
  if (!snapshot.reachable) return { reachable: false };
  const { version, topology, members, oplog, storage } = snapshot;
  const setName = topology.ok && topology.value.kind === 'replica-set' ? topology.value.setName : undefined;
  const memberList = members?.ok ? members.value : undefined;
  const primary = memberList?.find((m) => m.state === 'PRIMARY' && m.healthy)?.name;
  return {
    reachable: true,
    roundTripSeconds: snapshot.roundTripMs / 1000,
    ...(version.ok && { version: version.value }),
    ...(topology.ok && { topology: topology.value.kind }),
    ...(setName !== undefined && { replicaSet: setName }),
    ...(primary !== undefined && { primary }),
    ...(memberList && {
      members: memberList.map(({ name, state, healthy, lagSeconds }) => ({ name, state, healthy, ...(lagSeconds !== undefined && { lagSeconds }) })),
    }),
    ...(oplog?.ok && { oplogWindowHours: oplog.value.hours }),
    ...(storage.ok && storage.value),
  };
}

function snapshotFindings(snapshot: MongoSnapshot, t: DatabaseThresholds): Finding[] {
  if (!snapshot.reachable) return [connectionFinding(snapshot)];
  const findings: Finding[] = [
    finding(
      'Round trip',
      `${formatMs(snapshot.roundTripMs)} (ping)`,
      snapshot.roundTripMs > t.slowRoundTripMs ? 'warn' : 'ok',
      `slow: ping took ${formatMs(snapshot.roundTripMs)} (threshold ${t.slowRoundTripMs} ms)`,
    ),
    snapshot.version.ok
      ? finding('Version', `MongoDB ${snapshot.version.value}`, undefined)
      : finding('Version', unreadable(snapshot.version.error), 'unknown', 'version not readable'),
    topologyFinding(snapshot.topology),
  ];
  if (snapshot.topology.ok && snapshot.topology.value.kind === 'replica-set') {
    findings.push(...replicaSetFindings(snapshot.topology.value, snapshot.members, t));
    findings.push(oplogFinding(snapshot.oplog, t));
  }
  findings.push(storageFinding(snapshot, t));
  return findings;
}

function connectionFinding(snapshot: Extract<MongoSnapshot, { reachable: false }>): Finding {
  const { error } = snapshot;
  switch (snapshot.failure) {
    case 'auth':
      return finding(
        'Connection',
        `authentication failed: ${error}`,
        'critical',
        'authentication failed: MongoDB rejected the user or password',
      );
    case 'refused':
      return finding('Connection', `refused: ${error}`, 'critical', 'MongoDB refused the connection');
    case 'timeout':
      return finding('Connection', `no answer: ${error}`, 'critical', 'MongoDB unreachable: no answer in time');
    case 'unreachable':
      return finding('Connection', `unreachable: ${error}`, 'critical', `MongoDB unreachable: ${error}`);
    case 'invalid-uri':
      return finding(
        'Connection',
        `invalid connection string: ${error}`,
        'unknown',
        'the MongoDB connection string is invalid',
      );
    case 'aborted':
      return finding('Connection', error, 'unknown', 'the database check ran out of time');
  }
}

function topologyFinding(topology: Reading<MongoTopology>): Finding {
  if (!topology.ok) return finding('Topology', unreadable(topology.error), 'unknown', 'topology not readable');
  switch (topology.value.kind) {
    case 'standalone':
      return finding(
        'Topology',
        'standalone',
        'warn',
        'standalone: the operations guide recommends a replica set',
      );
    case 'replica-set':
      return finding('Topology', `replica set ${topology.value.setName}`, 'ok');
    case 'mongos':
      return finding('Topology', 'sharded cluster (mongos)', 'ok');
  }
}

function replicaSetFindings(
  topology: Extract<MongoTopology, { kind: 'replica-set' }>,
  members: Reading<MongoMember[]> | undefined,
  t: DatabaseThresholds,
): Finding[] {
  if (!members?.ok) {
    // Without replSetGetStatus (e.g. no clusterMonitor role) hello still tells whether there is a primary.
    const value = members ? unreadable(members.error, MONITOR_ROLE_HINT) : 'not read';
    return [
      primaryFinding(topology.setName, topology.primary),
      finding('Members', value, 'unknown', 'member states not readable'),
    ];
  }
  const list = members.value;
  const primary = list.find((m) => m.state === 'PRIMARY' && m.healthy)?.name;
  const unhealthy = list.filter((m) => !m.healthy);
  const healthyCount = list.length - unhealthy.length;
  // Without a majority of healthy members no primary can be elected.
  const membersStatus: CheckStatus = unhealthy.length === 0 ? 'ok' : healthyCount * 2 <= list.length ? 'critical' : 'warn';
  const membersProblem =
    membersStatus === 'critical'
      ? `${unhealthy.length} of ${list.length} members down: no majority left`
      : unhealthy.length === 1
        ? `member ${unhealthy[0]?.name} down, state ${unhealthy[0]?.state}`
        : `members ${unhealthy.map((m) => m.name).join(', ')} down`;
  return [
    primaryFinding(topology.setName, primary),
    finding('Members', `${healthyCount}/${list.length} healthy`, membersStatus, membersProblem),
    ...list.map((m) => memberFinding(m, t)),
  ];
}

function primaryFinding(setName: string, primary: string | undefined): Finding {
  return primary
    ? finding('Primary', primary, 'ok')
    : finding('Primary', 'none', 'critical', `replica set ${setName} has no primary`);
}

function memberFinding(member: MongoMember, t: DatabaseThresholds): Finding {
  const label = `Member ${member.name}`;
  if (!member.healthy) return finding(label, member.state, 'warn');
  if (member.lagSeconds === undefined || member.state === 'PRIMARY') return finding(label, member.state, 'ok');
  const lag = member.lagSeconds;
  const status: CheckStatus = lag > t.lagCriticalSeconds ? 'critical' : lag > t.lagWarnSeconds ? 'warn' : 'ok';
  const limit = status === 'critical' ? t.lagCriticalSeconds : t.lagWarnSeconds;
  return finding(
    label,
    `${member.state}, ${formatSeconds(lag)} behind`,
    status,
    `${member.name} lags ${formatSeconds(lag)} behind (threshold ${formatSeconds(limit)})`,
  );
}

function oplogFinding(oplog: Reading<OplogWindow> | undefined, t: DatabaseThresholds): Finding {
  if (!oplog) return finding('Oplog window', 'not read', 'unknown', 'oplog window not readable');
  if (!oplog.ok) return finding('Oplog window', unreadable(oplog.error, OPLOG_READ_HINT), 'unknown', 'oplog window not readable');
  const hours = oplog.value.hours;
  return finding(
    'Oplog window',
    formatHours(hours),
    hours < t.oplogWindowWarnHours ? 'warn' : 'ok',
    `oplog window ${formatHours(hours)} (below ${t.oplogWindowWarnHours} h)`,
  );
}

function storageFinding(snapshot: Extract<MongoSnapshot, { reachable: true }>, t: DatabaseThresholds): Finding {
  const storage = snapshot.storage;
  if (!storage.ok) return finding('Disk', unreadable(storage.error), 'unknown', 'data size and free disk not readable');
  const { dataBytes, fsFreeBytes, fsTotalBytes } = storage.value;
  // Some storage engines (e.g. in-memory) report no file system: shown, not judged.
  if (fsFreeBytes === undefined || fsTotalBytes === undefined) {
    return finding('Disk', `${formatBytes(dataBytes)} data on disk; free disk not reported`, undefined);
  }
  const tight = fsFreeBytes < t.freeDiskDataRatio * dataBytes;
  return finding(
    'Disk',
    `${formatBytes(dataBytes)} data on disk, ${formatBytes(fsFreeBytes)} free of ${formatBytes(fsTotalBytes)}`,
    tight ? 'warn' : 'ok',
    `free disk ${formatBytes(fsFreeBytes)} is less than ${t.freeDiskDataRatio} × the data (${formatBytes(dataBytes)})`,
  );
}

// What a user needs beyond the Connector's own database (which is often all its user has).
const MONITOR_ROLE_HINT = 'replSetGetStatus needs the clusterMonitor role';
const OPLOG_READ_HINT = "reading local.oplog.rs needs the read role on the 'local' database";

/** Why a part is missing; a missing privilege (already worded "not authorised") gets a hint what to grant. */
function unreadable(error: string, roleHint?: string): string {
  if (error.startsWith('not authorised')) return roleHint ? `${error} (${roleHint})` : error;
  return `not readable: ${error}`;
}

const MAX_PROBLEMS_IN_SUMMARY = 3;

function summarise(snapshot: MongoSnapshot, findings: Finding[], status: CheckStatus): string {
  const problems = findings
    .filter((f): f is Finding & { problem: string } => f.problem !== undefined)
    .sort((a, b) => rank(b.detail.status) - rank(a.detail.status))
    .map((f) => f.problem);
  if (status === 'ok' || problems.length === 0) return healthySummary(snapshot);
  const shown = problems.slice(0, MAX_PROBLEMS_IN_SUMMARY).join('; ');
  const more = problems.length - MAX_PROBLEMS_IN_SUMMARY;
  return more > 0 ? `${shown} (+${more} more)` : shown;
}

function rank(status: CheckStatus | undefined): number {
  return status === 'critical' ? 3 : status === 'unknown' ? 2 : status === 'warn' ? 1 : 0;
}

function healthySummary(snapshot: MongoSnapshot): string {
  if (!snapshot.reachable) return 'MongoDB not looked at';
  const parts: string[] = [];
  const topology = snapshot.topology.ok ? snapshot.topology.value : undefined;
  if (topology?.kind === 'replica-set') {
    const members = snapshot.members?.ok ? snapshot.members.value : undefined;
    const healthy = members ? `, ${members.length}/${members.length} members healthy` : '';
    parts.push(`replica set ${topology.setName}${healthy}`);
  } else if (topology) {
    parts.push(topology.kind === 'mongos' ? 'sharded cluster (mongos)' : topology.kind);
  }
  if (snapshot.version.ok) parts.push(`MongoDB ${snapshot.version.value}`);
  parts.push(`ping ${formatMs(snapshot.roundTripMs)}`);
  return parts.join(', ');
}

export function formatMs(ms: number): string {
  return `${Math.round(ms)} ms`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return formatHours(seconds / 3600);
}

export function formatHours(hours: number): string {
  return `${hours.toFixed(1)} h`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

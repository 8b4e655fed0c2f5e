import type { HealthData } from '../domain/check-data.ts';
import type { CheckDetail, CheckResult } from '../domain/check-result.ts';
import { checkResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import { worstStatus } from '../domain/status.ts';
import type { ConnectorApiClient, ConnectorApiTarget } from '../integrations/connector-api/client.ts';
import type { ApiAnswer, HealthAnswer, SyncInfo, VersionInfo } from '../integrations/connector-api/types.ts';
import type { Check, CheckContext } from './check.ts';
import { answered, healthHangText } from './connector-answers.ts';
import { healthOnce, supportOnce, apiTargetOf, NEEDS_CONNECTOR_URL } from './connector-readings.ts';
import { DEFAULT_SYNC_OPTIONS, judgeSync, syncIntervalOf, type SyncInterval, type SyncOptions } from './health-sync.ts';

export interface HealthCheckOptions {
  api: Pick<ConnectorApiClient, 'health' | 'version' | 'syncInfo' | 'support'>;
  sync?: SyncOptions;
}

/** What the Connector answered, gathered in parallel; the input of the pure interpretation below. */
export interface HealthFindings {
  health: HealthAnswer;
  /** Asked only with an API key. */
  version?: ApiAnswer<VersionInfo>;
  sync?: ApiAnswer<SyncInfo>;
  /** From Support's `modules.sync`, when it could be read. */
  syncInterval?: SyncInterval;
}

/** How long a sync interval read from Support is reused: it changes only with the Connector's configuration. */
const SYNC_INTERVAL_TTL_MS = 60 * 60_000;

/** The Connector's /health route, its running version from /Monitoring/Version, and the age of its last sync run. */
export class HealthCheck implements Check {
  readonly id = 'health' as const;

  private readonly options: HealthCheckOptions;
  /**
   * Support runs the Connector's own health check (a Backbone call, and a long WARN in its log while the
   * Backbone is down), so the sync interval it tells is asked once an hour per connector, not on every run.
   */
  private readonly intervals = new Map<string, { interval: SyncInterval; readAt: number }>();

  constructor(options: HealthCheckOptions) {
    this.options = options;
  }

  readonly needs = NEEDS_CONNECTOR_URL;

  appliesTo(connector: Connector): boolean {
    return connector.url !== undefined;
  }

  async run(context: CheckContext): Promise<CheckResult> {
    const { connector, signal, now } = context;
    const target = apiTargetOf(connector);
    const { api } = this.options;
    // In parallel: a rejected key is answered only after 1-4 s, and a hanging /health must not hold up the rest.
    const [health, version, sync, syncInterval] = await Promise.all([
      healthOnce(api, target, context),
      connector.apiKey ? api.version(target, signal) : Promise.resolve(undefined),
      connector.apiKey ? api.syncInfo(target, signal) : Promise.resolve(undefined),
      connector.apiKey ? this.syncInterval(target, context) : Promise.resolve(undefined),
    ]);
    return interpretHealth(
      { health, ...(version && { version }), ...(sync && { sync }), ...(syncInterval && { syncInterval }) },
      now,
      this.options.sync,
    );
  }

  private async syncInterval(target: ConnectorApiTarget, context: CheckContext): Promise<SyncInterval | undefined> {
    const { connector, now } = context;
    const cached = this.intervals.get(connector.name);
    if (cached && now.getTime() - cached.readAt < SYNC_INTERVAL_TTL_MS) return cached.interval;
    const support = await supportOnce(this.options.api, target, context);
    const interval = support.kind === 'ok' ? syncIntervalOf(support.value.configuration) : undefined;
    if (interval) this.intervals.set(connector.name, { interval, readAt: now.getTime() });
    return interval;
  }
}

export function interpretHealth(findings: HealthFindings, now: Date, syncOptions: SyncOptions = DEFAULT_SYNC_OPTIONS): CheckResult<'health'> {
  const { health, version, sync } = findings;
  const details: CheckDetail[] = [];
  let result: CheckResult<'health'>;
  switch (health.kind) {
    case 'healthy':
      details.push(...serviceDetails(health.body.services));
      result = checkResult('health', 'ok', `Healthy (HTTP ${health.httpStatus})`, details);
      break;
    case 'unhealthy': {
      details.push(...serviceDetails(health.body.services));
      const services = Object.entries(health.body.services).flatMap(([name, state]) => (state === 'healthy' ? [] : [{ name, state }]));
      result = checkResult(
        'health',
        'critical',
        `Unhealthy (HTTP ${health.httpStatus}): ${services.length > 0 ? services.map((s) => s.name).join(', ') : 'no service named'} unhealthy`,
        details,
        [{ kind: 'unhealthy', httpStatus: health.httpStatus, services }],
      );
      break;
    }
    case 'unreachable': {
      // A Connector whose other routes answer is up: its /health waits on a Backbone that accepts and never answers.
      const hangs = health.timedOutMs !== undefined && [version, sync].some((answer) => answer !== undefined && answered(answer));
      const text = hangs ? healthHangText(health.timedOutMs!) : health.reason;
      details.push({ label: 'health route', value: text, status: 'critical' });
      result = checkResult('health', 'critical', hangs ? upperFirst(text) : `Unreachable: ${health.reason}`, details, [{ kind: 'unreachable', reason: text }]);
      break;
    }
  }
  if (version) result.details.push(versionDetail(version));
  if (version?.kind === 'ok') result.summary += ` · version ${version.value.version}`;
  if (version?.kind === 'rejected' && result.status === 'ok') {
    result.status = 'warn';
    result.summary += ` · ${version.reason}`;
  }
  if (sync) {
    const judged = judgeSync(sync, findings.syncInterval, now, syncOptions);
    result.details.push(judged);
    // The age of the last sync run matters most while /health cannot tell: it shows how long the Backbone has been gone.
    if (judged.status === 'warn' || (result.status !== 'ok' && sync.kind === 'ok')) result.summary += ` · last sync ${judged.value}`;
    if (judged.status === 'warn') result.status = worstStatus([result.status, 'warn']);
  }
  result.data = healthData(findings);
  return result;
}

/** What the Connector answered, as data: every service, the version, when it last synced (a time it can read). */
function healthData({ health, version, sync }: HealthFindings): HealthData {
  const reached = health.kind !== 'unreachable';
  const data: HealthData = {
    ...(reached && { httpStatus: health.httpStatus }),
    services: reached ? Object.entries(health.body.services).map(([name, state]) => ({ name, state })) : [],
    ...(version?.kind === 'ok' && { version: version.value.version }),
  };
  if (sync?.kind === 'ok') {
    const completedAt = sync.value.lastSyncRun?.completedAt;
    const at = completedAt === undefined ? undefined : Date.parse(completedAt);
    if (at === undefined) data.lastSyncAt = null;
    else if (!Number.isNaN(at)) data.lastSyncAt = new Date(at).toISOString();
  }
  return data;
}

function serviceDetails(services: Record<string, string>): CheckDetail[] {
  return Object.entries(services).map(([name, state]) => ({
    label: name,
    value: state,
    status: state === 'healthy' ? 'ok' : 'critical',
  }));
}

function versionDetail(version: ApiAnswer<VersionInfo>): CheckDetail {
  switch (version.kind) {
    case 'ok': {
      const v = version.value;
      // runtimeVersion is the bundled @nmshd/runtime library (7.5.x in Connector 7.4.x), not Node.js.
      const extra = [v.build ? `build ${v.build}` : undefined, v.commit ? `commit ${v.commit.slice(0, 8)}` : undefined, v.runtimeVersion ? `runtime ${v.runtimeVersion}` : undefined]
        .filter(Boolean)
        .join(', ');
      return { label: 'version', value: extra ? `${v.version} (${extra})` : v.version, status: 'ok' };
    }
    case 'rejected':
      return { label: 'version', value: version.reason, status: 'warn' };
    case 'failed':
      return { label: 'version', value: `could not read: ${version.reason}`, status: 'unknown' };
  }
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

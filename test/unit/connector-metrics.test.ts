import { describe, expect, it } from 'vitest';
import { checkResult, type CheckId, type CheckResult } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { LastKnownStatus, recordingLastKnown } from '../../src/domain/last-known.ts';
import type { ConnectorDirectory, ReportRunner } from '../../src/domain/ports.ts';
import { connectorReport, report, type NotChecked } from '../../src/domain/report.ts';
import { Metrics } from '../../src/http/metrics.ts';
import { statusRefresh } from '../../src/scheduler/status-refresh.ts';
import { aConnector, silentLogger } from '../support/builders.ts';

// /metrics tells each connector's latest check results, refreshed by the background run; a connector gone drops out.

const NOW = new Date('2026-12-01T10:00:00Z');

/** What each connector's checks find, as a test sets it: the runner reports it for the ids asked. */
class ScriptedRunner implements ReportRunner {
  readonly results = new Map<string, CheckResult[]>();
  readonly notChecked = new Map<string, NotChecked[]>();
  readonly asked: CheckId[][] = [];

  async run(connectors: Connector[], ids: readonly CheckId[]) {
    this.asked.push([...ids]);
    return report(
      connectors.map((c) => connectorReport(c.name, (this.results.get(c.name) ?? []).filter((r) => ids.includes(r.id)), this.notChecked.get(c.name) ?? [])),
      NOW,
    );
  }
}

class ListedConnectors implements ConnectorDirectory {
  names: string[] = [];
  problem: string | undefined;
  async list() {
    return { connectors: this.names.map((name) => aConnector(name)), ...(this.problem && { problem: this.problem }) };
  }
}

function setup() {
  const lastKnown = new LastKnownStatus();
  const runner = new ScriptedRunner();
  const directory = new ListedConnectors();
  const metrics = new Metrics();
  metrics.observe({ queuedDeliveries: () => 0, lastReport: () => undefined, checks: () => lastKnown.latest() });
  const recording = recordingLastKnown(runner, lastKnown);
  const refresh = statusRefresh({ directory, runner: recording, lastKnown, checks: ['health', 'resources', 'error-logs', 'key-material', 'database'], logger: silentLogger() });
  const scrape = async () => (await metrics.registry.metrics()).split('\n').filter((line) => line.startsWith('connector_ops_') && !line.startsWith('connector_ops_process') && !line.startsWith('connector_ops_nodejs'));
  return { runner, recording, directory, refresh, scrape };
}

const healthy = checkResult('health', 'ok', 'Healthy (HTTP 200)', [], [], { httpStatus: 200, services: [], lastSyncAt: '2026-12-01T09:58:00.000Z' });
const unreachable = checkResult('health', 'critical', 'Unreachable: refused', [], [{ kind: 'unreachable', reason: 'refused' }], { services: [] });
const resources = checkResult('resources', 'warn', 'disk /data 85 %', [], [], {
  host: { remoteEngine: false },
  containers: [],
  disks: [{ paths: [{ path: '/data', roles: ['data-dir'] }], usedBytes: 85, availableBytes: 15, totalBytes: 100, usedRatio: 0.85 }],
});
const errors = checkResult('error-logs', 'warn', '3 errors in 24 h', [], [], { since: '2026-11-30T10:00:00.000Z', until: NOW.toISOString(), events: 3, fatal: 0, groups: [], otherEvents: 0 });
const keys = checkResult('key-material', 'warn', 'certificate expires in 10 days', [], [], {
  apiKey: { configured: true, accepted: true },
  certificate: { subject: 'connector.example.com', expiresAt: '2026-12-11T00:00:00.000Z', daysToExpiry: 10, trusted: true },
});
const update = checkResult('image-update', 'warn', '7.4.6 → 7.5.0 available', [], [], { current: '7.4.6', recommended: '7.5.0', updatesPending: 1, runningDigests: [] });

describe('the connectors on /metrics', () => {
  it('tells the latest status of every connector and check, and the key readings of their data', async () => {
    const { runner, directory, refresh, scrape } = setup();
    directory.names = ['main', 'spare'];
    runner.results.set('main', [healthy, resources, errors, keys]);
    runner.results.set('spare', [unreachable]);
    await refresh();
    const lines = await scrape();
    const at = NOW.getTime() / 1000;
    expect(lines).toEqual(
      expect.arrayContaining([
        'connector_ops_check_status{connector="main",check="health"} 0',
        'connector_ops_check_status{connector="main",check="resources"} 1',
        'connector_ops_check_status{connector="spare",check="health"} 2',
        'connector_ops_connector_status{connector="main"} 1',
        'connector_ops_connector_status{connector="spare"} 2',
        `connector_ops_check_last_run_timestamp_seconds{connector="main",check="health"} ${at}`,
        'connector_ops_disk_used_ratio{connector="main",path="/data"} 0.85',
        `connector_ops_certificate_expiry_timestamp_seconds{connector="main"} ${Date.parse('2026-12-11T00:00:00Z') / 1000}`,
        'connector_ops_error_log_events{connector="main"} 3',
        `connector_ops_last_sync_timestamp_seconds{connector="main"} ${Date.parse('2026-12-01T09:58:00Z') / 1000}`,
      ]),
    );
    // Nothing read, nothing told: the unreachable one has no sync time, nobody ran the image-update check.
    expect(lines.filter((line) => line.includes('spare') && !line.includes('status'))).toEqual([`connector_ops_check_last_run_timestamp_seconds{connector="spare",check="health"} ${at}`]);
    expect(lines.filter((line) => line.startsWith('connector_ops_image_updates_pending'))).toEqual([]);
  });

  it('keeps the latest result of a check the background run leaves to another run (the slow ones)', async () => {
    const { runner, recording, directory, refresh, scrape } = setup();
    directory.names = ['main'];
    runner.results.set('main', [healthy, update]);
    // The alert probes' slow round runs image-update through the same recording runner.
    await recording.run([aConnector('main')], ['image-update']);
    await refresh();
    expect(runner.asked.at(-1)).toEqual(['health', 'resources', 'error-logs', 'key-material', 'database']);
    const lines = await scrape();
    expect(lines).toContain('connector_ops_image_updates_pending{connector="main"} 1');
    expect(lines).toContain('connector_ops_check_status{connector="main",check="image-update"} 1');
  });

  it('drops the series of a connector that is gone, and of a check that no longer applies; an engine that did not answer drops nothing', async () => {
    const { runner, directory, refresh, scrape } = setup();
    directory.names = ['main', 'spare'];
    runner.results.set('main', [healthy, errors]);
    runner.results.set('spare', [unreachable]);
    await refresh();
    expect((await scrape()).some((line) => line.includes('connector="spare"'))).toBe(true);

    directory.names = ['main'];
    directory.problem = 'Discovery on the container engine failed: timed out.';
    await refresh();
    expect((await scrape()).some((line) => line.includes('connector="spare"'))).toBe(true);

    directory.problem = undefined;
    runner.results.set('main', [healthy]);
    runner.notChecked.set('main', [{ id: 'error-logs', needs: 'a container' }]);
    await refresh();
    const lines = await scrape();
    expect(lines.filter((line) => line.includes('connector="spare"'))).toEqual([]);
    expect(lines.filter((line) => line.includes('error-logs') || line.startsWith('connector_ops_error_log_events'))).toEqual([]);
    expect(lines).toContain('connector_ops_check_status{connector="main",check="health"} 0');
  });
});

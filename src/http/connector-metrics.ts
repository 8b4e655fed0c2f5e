import { Gauge, type Registry } from 'prom-client';
import type { CheckData, DataOf } from '../domain/check-data.ts';
import type { CheckId } from '../domain/check-result.ts';
import type { KnownCheck } from '../domain/last-known.ts';
import { exitCodeFor, worstStatus } from '../domain/status.ts';

/** Each connector's latest check results, as the last reports found them. */
export type LatestChecks = () => ReadonlyMap<string, ReadonlyMap<CheckId, KnownCheck>>;

type Reading = (connector: string, checks: ReadonlyMap<CheckId, KnownCheck>) => Array<{ labels: Record<string, string>; value: number }>;

/**
 * The connectors on /metrics: the latest status of every connector and check, and the key readings of their
 * checks' data, read at scrape time from what the latest reports found. Each gauge is emptied before it is
 * filled, so a connector that is gone (or a check that no longer applies) drops its series.
 */
export function registerConnectorGauges(registry: Registry, latest: LatestChecks): void {
  const gauge = (name: string, help: string, labelNames: string[], read: Reading) => {
    const metric: Gauge = new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect: () => {
        metric.reset();
        for (const [connector, checks] of latest()) for (const { labels, value } of read(connector, checks)) metric.set(labels, value);
      },
    });
  };
  const dataOf = <Id extends keyof DataOf>(checks: ReadonlyMap<CheckId, KnownCheck>, id: Id): CheckData<Id> | undefined =>
    checks.get(id)?.result.data as CheckData<Id> | undefined;

  // The same numbers as the exit code of `connector-ops check`.
  gauge('connector_ops_check_status', 'Latest status of each check of each connector: 0 ok, 1 warn, 2 critical, 3 unknown (the check could not look)', ['connector', 'check'], (connector, checks) =>
    [...checks.values()].map(({ result }) => ({ labels: { connector, check: result.id }, value: exitCodeFor(result.status) })),
  );
  gauge('connector_ops_connector_status', "Latest status of each connector, the worst of its checks' latest: 0 ok, 1 warn, 2 critical, 3 unknown", ['connector'], (connector, checks) => [
    { labels: { connector }, value: exitCodeFor(worstStatus([...checks.values()].map(({ result }) => result.status))) },
  ]);
  gauge('connector_ops_check_last_run_timestamp_seconds', "When each check's latest result was found", ['connector', 'check'], (connector, checks) =>
    [...checks.values()].map(({ result, at }) => ({ labels: { connector, check: result.id }, value: at.getTime() / 1000 })),
  );
  gauge('connector_ops_disk_used_ratio', "Used share of each file system the resources check measured for the connector, by the first path on it", ['connector', 'path'], (connector, checks) =>
    (dataOf(checks, 'resources')?.disks ?? []).map((disk) => ({ labels: { connector, path: disk.paths[0]?.path ?? '' }, value: disk.usedRatio })),
  );
  gauge('connector_ops_certificate_expiry_timestamp_seconds', "When the TLS certificate of the connector's URL expires", ['connector'], (connector, checks) => {
    const certificate = dataOf(checks, 'key-material')?.certificate;
    return certificate ? [{ labels: { connector }, value: Date.parse(certificate.expiresAt) / 1000 }] : [];
  });
  gauge('connector_ops_image_updates_pending', 'Newer Connector versions the registry offers: the newest of the running major and of a higher major', ['connector'], (connector, checks) => {
    const update = dataOf(checks, 'image-update');
    return update ? [{ labels: { connector }, value: update.updatesPending }] : [];
  });
  gauge('connector_ops_error_log_events', "ERROR and FATAL events in the connector's logs within the error-logs check's window", ['connector'], (connector, checks) => {
    const logs = dataOf(checks, 'error-logs');
    return logs ? [{ labels: { connector }, value: logs.events }] : [];
  });
  gauge('connector_ops_last_sync_timestamp_seconds', "When the Connector last completed a sync run (absent: never since its start, or not read)", ['connector'], (connector, checks) => {
    const at = dataOf(checks, 'health')?.lastSyncAt;
    return typeof at === 'string' ? [{ labels: { connector }, value: Date.parse(at) / 1000 }] : [];
  });
}

import type { CheckResult } from '../domain/check-result.ts';
import type { ContainerResourcesSource } from '../integrations/docker/container-stats.ts';
import type { DiskReading, HostResources } from '../integrations/host/resources.ts';
import { describeFailure, withTimeout } from '../integrations/http/timeout.ts';
import type { DiskSampleReader, SamplesLeftOut } from '../domain/samples.ts';
import type { Check, CheckContext } from './check.ts';
import { readOnce } from './shared-readings.ts';
import { DEFAULT_ENGINE } from '../config/config.ts';
import { forecastDiskFull, type DiskForecast } from './resources-disk-forecast.ts';
import { diskRoles, judgeResources, type ResourceJudgement } from './resources-judge.ts';
import { settle, type Outcome } from './outcome.ts';
import { containerSample } from './resources-container-samples.ts';

export interface ResourcesCheckOptions extends ResourceJudgement {
  /** Where disk samples are kept for the forecast; without it there is no forecast; left out, the forecast says why. */
  sampleStore?: DiskSampleReader | SamplesLeftOut;
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
    const [cpu, memory, dataRoot, container] = await Promise.all([
      readOnce(shared, 'host-cpu', () => settle(this.host.cpuLoad(partSignal))),
      readOnce(shared, 'host-memory', () => settle(this.host.memory(partSignal))),
      readOnce(shared, `data-root:${engine}`, () => settle(this.docker.dataRoot(partSignal))),
      connector.container
        ? containerSample(this.docker, connector.container, engine, { signal: partSignal, shared, timeoutMs: this.options.timeoutMs })
        : undefined,
    ]);
    const disks = await settle(this.host.disks([...diskRoles(dataRoot, this.options).keys()], partSignal));
    const store = this.options.sampleStore;
    return judgeResources(
      {
        cpu,
        memory,
        dataRoot,
        disks,
        forecasts: disks.ok ? this.forecasts(disks.value, now) : new Map(),
        ...(store && 'leftOut' in store && { samplesLeftOut: store.leftOut }),
        ...(connector.container && container && { container: { name: connector.container, resources: container } }),
      },
      this.options,
    );
  }

  /** Forecasts from the last days' samples of each file system, which the disk sampler keeps; the check writes none. */
  private forecasts(disks: DiskReading, now: Date): Map<string, Outcome<DiskForecast>> {
    const store = this.options.sampleStore;
    if (!store || 'leftOut' in store) return new Map();
    return new Map(
      disks.fileSystems.map((fs): [string, Outcome<DiskForecast>] => {
        const path = fs.paths[0] as string;
        try {
          return [path, { ok: true, value: forecastDiskFull(store.since(path, new Date(now.getTime() - FORECAST_WINDOW_MS))) }];
        } catch (error) {
          return [path, { ok: false, reason: `sample store: ${describeFailure(error)}` }];
        }
      }),
    );
  }
}

import type { ConnectorDirectory, ReportRunner } from '../domain/ports.ts';
import type { Logger } from '../logging/logger.ts';
import { conditionsOf, PROBED } from './conditions.ts';
import type { AlertEngine } from './engine.ts';
import type { Service } from '../domain/service.ts';

export interface AlertProbesOptions {
  directory: ConnectorDirectory;
  runner: ReportRunner;
  engine: Pick<AlertEngine, 'observe'>;
  logger: Logger;
  /** Health and resources. */
  intervalMs: number;
  /** Key material and new versions: they ask the registry and the Connector's Support route. */
  slowIntervalMs: number;
  now?: () => Date;
}

/**
 * Runs the checks that raise alerts on their own pace, for every connector, and hands what they found to the
 * engine. A round still running when the next is due is not doubled: a slow Connector holds up only itself.
 */
export class AlertProbes implements Service {
  readonly name = 'alert probes';
  private readonly options: AlertProbesOptions;
  private fast: NodeJS.Timeout | undefined;
  private slow: NodeJS.Timeout | undefined;
  private readonly running = new Map<'fast' | 'slow', Promise<void>>();

  constructor(options: AlertProbesOptions) {
    this.options = options;
  }

  start(): void {
    this.fast = setInterval(() => void this.round('fast'), this.options.intervalMs);
    this.slow = setInterval(() => void this.round('slow'), this.options.slowIntervalMs);
    this.fast.unref();
    this.slow.unref();
    void this.round('fast');
    void this.round('slow');
  }

  async stop(): Promise<void> {
    clearInterval(this.fast);
    clearInterval(this.slow);
    await Promise.all(this.running.values());
  }

  /** One round of the fast (health, resources) or slow (key material, new versions) checks. */
  round(pace: 'fast' | 'slow'): Promise<void> {
    const running = this.running.get(pace);
    if (running) return running;
    const round = this.probe(pace).finally(() => this.running.delete(pace));
    this.running.set(pace, round);
    return round;
  }

  private async probe(pace: 'fast' | 'slow'): Promise<void> {
    const { directory, runner, engine, logger } = this.options;
    const probed = PROBED.filter((p) => p.slow === (pace === 'slow'));
    try {
      const { connectors } = await directory.list();
      if (connectors.length === 0) return;
      const report = await runner.run(connectors, probed.map((p) => p.check));
      const now = this.options.now?.() ?? new Date();
      for (const connector of report.connectors) {
        for (const result of connector.checks) {
          const kind = probed.find((p) => p.check === result.id)?.kind;
          const conditions = conditionsOf(result);
          if (kind && conditions) engine.observe(connector.name, kind, conditions, now);
        }
      }
    } catch (error) {
      logger.warn({ err: error, pace }, 'alert probes: a round failed');
    }
  }
}

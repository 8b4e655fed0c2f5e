import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The bot's Prometheus metrics: process metrics plus counters for commands and checks. */
export class Metrics {
  readonly registry = new Registry();
  readonly commands: Counter<'verb' | 'adapter'>;
  readonly checks: Counter<'check' | 'status'>;
  readonly checkDuration: Histogram<'check'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'connector_ops_' });
    this.commands = new Counter({
      name: 'connector_ops_commands_total',
      help: 'Commands received, by verb (invalid for input that did not parse) and chat adapter',
      labelNames: ['verb', 'adapter'],
      registers: [this.registry],
    });
    this.checks = new Counter({
      name: 'connector_ops_checks_total',
      help: 'Checks run, by check id and resulting status',
      labelNames: ['check', 'status'],
      registers: [this.registry],
    });
    this.checkDuration = new Histogram({
      name: 'connector_ops_check_duration_seconds',
      help: 'How long checks took',
      labelNames: ['check'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }
}

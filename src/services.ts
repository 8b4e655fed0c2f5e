import { createChecks } from './checks/index.ts';
import { CheckRunner } from './checks/runner.ts';
import type { Config } from './config/config.ts';
import { DockerConnectorDirectory } from './connectors/directory.ts';
import { CommandHandler } from './domain/command-handler.ts';
import { ConnectorApiClient } from './integrations/connector-api/client.ts';
import { createDockerClient } from './integrations/docker/client.ts';
import type { Logger } from './logging/logger.ts';
import { Redactor } from './logging/redact.ts';
import { Metrics } from './http/metrics.ts';
import { Store } from './store/store.ts';
import { join } from 'node:path';

/** Everything below the adapters, built once from the configuration. */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  directory: DockerConnectorDirectory;
  runner: CheckRunner;
  commands: CommandHandler;
  close(): void;
}

export function createServices(config: Config, logger: Logger, redactor: Redactor = new Redactor(config.secrets)): Services {
  const metrics = new Metrics();
  const store = Store.open(join(config.dataDir, 'connector-ops.sqlite'));
  const docker = createDockerClient();
  const api = new ConnectorApiClient(Math.max(1_000, Math.floor(config.checks.timeoutMs / 2)));
  const directory = new DockerConnectorDirectory({
    configured: config.connectors,
    docker,
    localEngine: isLocalEngine(process.env.DOCKER_HOST),
  });
  const runner = new CheckRunner(createChecks({ config, docker, api, store, redactor }), {
    timeoutMs: config.checks.timeoutMs,
    timeoutsMs: { 'error-logs': Math.max(config.checks.timeoutMs, config.checks.errorLogs.timeoutMs) },
    concurrency: config.checks.concurrency,
    onResult: (connector, result, durationMs) => {
      metrics.checks.inc({ check: result.id, status: result.status });
      metrics.checkDuration.observe({ check: result.id }, durationMs / 1000);
      logger.debug({ connector: connector.name, check: result.id, status: result.status, durationMs: Math.round(durationMs) }, 'check finished');
    },
  });
  const commands = new CommandHandler(directory, runner);
  return {
    config,
    logger,
    metrics,
    store,
    directory,
    runner,
    commands,
    close: () => store.close(),
  };
}

/** Whether the Docker engine runs on this host (a unix socket), so its published ports and paths are ours. */
export function isLocalEngine(dockerHost: string | undefined): boolean {
  return !dockerHost || dockerHost.startsWith('unix://');
}

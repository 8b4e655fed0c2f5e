import type { Config } from '../config/config.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { DockerClient } from '../integrations/docker/client.ts';
import type { Store } from '../store/store.ts';
import type { Check } from './check.ts';
import { ContainerCheck } from './container.ts';
import { HealthCheck } from './health.ts';

export interface CheckDependencies {
  config: Config;
  docker: DockerClient;
  api: ConnectorApiClient;
  store: Store;
}

/** Every check of the operations guide, built from the configuration. */
export function createChecks({ docker, api }: CheckDependencies): Check[] {
  return [new HealthCheck(api), new ContainerCheck(docker)];
}

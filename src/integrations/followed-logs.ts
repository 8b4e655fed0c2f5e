import type { Connector } from '../domain/connector.ts';
import type { FollowedLog } from '../logs/follow.ts';
import type { DockerEngines } from './docker/engines.ts';
import { ContainerLogFollower } from './docker/log-follow.ts';
import { LogFileFollower } from './logfiles/tail.ts';

/** A connector's logs to follow: its container's output on its engine first, then each of its log file patterns. */
export function followedLogsOf(engines: DockerEngines): (connector: Connector) => FollowedLog[] {
  return (connector) => {
    const logs: FollowedLog[] = connector.logFiles.map((pattern) => new LogFileFollower(pattern));
    if (connector.container) logs.unshift(new ContainerLogFollower(engines.get(connector.engine).client, connector.container));
    return logs;
  };
}

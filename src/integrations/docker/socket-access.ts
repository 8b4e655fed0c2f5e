import { statSync } from 'node:fs';
import { effectiveUser, groupName } from '../host/user.ts';

/** EACCES on a unix socket: the bot's user is neither its owner nor in its group. What fixes it names the group. */
export function socketAccess(socket: string): { problem: string; fix: string } {
  const user = effectiveUser();
  const stat = socketStat(socket);
  if (!stat) {
    return {
      problem: `${user} may not use the socket ${socket}`,
      fix: `Give ${user} access to ${socket}: add it to the socket's group, or reach the engine through the socket proxy (examples/compose.yml).`,
    };
  }
  const group = groupName(stat.gid);
  const named = group ? `${group} (gid ${stat.gid})` : `gid ${stat.gid}`;
  return {
    problem: `${user} may not use the socket ${socket} (owner uid ${stat.uid}, group ${named}, mode ${(stat.mode & 0o777).toString(8)})`,
    fix:
      `Add ${user} to the socket's group ${named}: in a container, ${groupAddHint(stat.gid)} (compose: group_add: ["${stat.gid}"]); ` +
      `on the host, usermod -aG ${group ?? stat.gid} <user>. Better: reach the engine through the socket proxy (examples/compose.yml).`,
  };
}

/**
 * What a call refused at the socket fails with: the problem and the group to add, so that every check, log
 * follower and operation that reports the failure says what fixes it. It keeps the code (EACCES or EPERM).
 */
export class SocketAccessError extends Error {
  readonly code: string;

  constructor(socket: string, code: string) {
    const stat = socketStat(socket);
    super(`${socketAccess(socket).problem}: ${stat ? groupAddHint(stat.gid) : 'reach the engine through the socket proxy'}`);
    this.code = code;
    this.name = 'SocketAccessError';
  }
}

export function isAccessRefused(code: unknown): code is 'EACCES' | 'EPERM' {
  return code === 'EACCES' || code === 'EPERM';
}

function groupAddHint(gid: number): string {
  return `the socket is owned by group ${gid}; run with --group-add ${gid}`;
}

function socketStat(socket: string): { uid: number; gid: number; mode: number } | undefined {
  try {
    return statSync(socket);
  } catch {
    return undefined;
  }
}

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';

/** The user the bot runs as, for a message about access: by name when the system knows it (a container's arbitrary uid may have none). */
export function effectiveUser(): string {
  const uid = process.geteuid?.();
  try {
    return `user ${userInfo().username} (uid ${uid})`;
  } catch {
    return `uid ${uid}`;
  }
}

/** The name of a group from /etc/group, or undefined (no such file or group, as in many containers). */
export function groupName(gid: number): string | undefined {
  try {
    const line = readFileSync('/etc/group', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(gid));
    return line?.split(':')[0] || undefined;
  } catch {
    return undefined;
  }
}

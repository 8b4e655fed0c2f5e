import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunOwner } from '../store/operation-requests.ts';

/**
 * Which bot process runs (or approved) a request. A host name and a pid alone repeat: a container restarted by
 * Docker has the same host name and is pid 1 again. So each process also draws a random instance id at start,
 * which no restart repeats, and names its pid namespace, within which alone its pid means anything.
 */
export interface ExecutorIdentity {
  host: string;
  /** The pid namespace's inode (`/proc/self/ns/pid`); undefined where there is none to read (not Linux). */
  pidNamespace?: string;
  pid: number;
  instance: string;
}

/** This process: drawn once, when the module loads. */
export const THIS_PROCESS: ExecutorIdentity = identity(hostname(), pidNamespace(), process.pid, randomBytes(8).toString('hex'));

/** `host:namespace:pid:instance`, e.g. `ops-bot:4026532378:1:9f2c41d07ab3e655`; what the store and the audit log hold. */
export function formatExecutor(identity: ExecutorIdentity): string {
  return `${identity.host}:${identity.pidNamespace ?? '-'}:${identity.pid}:${identity.instance}`;
}

/** The stored form back; `host:pid` as versions before the instance id wrote it (no namespace, no instance). */
export function parseExecutor(executor: string): ExecutorIdentity | undefined {
  const parts = executor.split(':');
  const [host = '', second = '', pid = '', instance = ''] = parts;
  if (parts.length === 2) return Number.isInteger(Number(second)) ? { host, pid: Number(second), instance: '' } : undefined;
  if (parts.length !== 4) return undefined;
  return Number.isInteger(Number(pid)) ? identity(host, second === '-' ? undefined : second, Number(pid), instance) : undefined;
}

/**
 * Whether the process that owns a run is gone, as `self` can tell at `now`:
 * - its own runs are never gone;
 * - a heartbeat older than `staleMs` is gone, whatever else is known (a live pid may be another process's by now);
 * - on the same host and in the same pid namespace, a pid that no longer exists is gone, and so is our own pid
 *   under another instance id (this process took the pid over: a restart);
 * - anything else (another host, another container, an unknown owner) is alive while its heartbeat is fresh.
 */
export function ownerGone(owner: RunOwner, self: ExecutorIdentity, now: number, staleMs: number, pidExists: (pid: number) => boolean): boolean {
  const executor = owner.executor === undefined ? undefined : parseExecutor(owner.executor);
  if (executor?.instance === self.instance) return false;
  if (now - owner.heartbeatAt > staleMs) return true;
  if (!executor || executor.host !== self.host || executor.pidNamespace !== self.pidNamespace) return false;
  return executor.pid === self.pid || !pidExists(executor.pid);
}

/** Whether a pid exists on this host's pid namespace (EPERM: it does, under another user). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

function identity(host: string, namespace: string | undefined, pid: number, instance: string): ExecutorIdentity {
  return { host, ...(namespace !== undefined && { pidNamespace: namespace }), pid, instance };
}

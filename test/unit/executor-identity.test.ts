import { describe, expect, it } from 'vitest';
import { formatExecutor, ownerGone, parseExecutor, THIS_PROCESS, type ExecutorIdentity } from '../../src/operations/executor-identity.ts';

const NOW = 1_000_000;
const STALE_MS = 60_000;
/** A bot in a container: pid 1, the container's host name, its own pid namespace. */
const BEFORE: ExecutorIdentity = { host: 'ops-bot', pidNamespace: '4026532378', pid: 1, instance: 'a1a1a1a1a1a1a1a1' };
const fresh = NOW - 5_000;
const stale = NOW - 61_000;
const alive = () => true;
const dead = () => false;

function gone(owner: ExecutorIdentity | string | undefined, heartbeatAt: number, self: ExecutorIdentity, pidExists: (pid: number) => boolean = alive): boolean {
  const executor = typeof owner === 'string' ? owner : owner && formatExecutor(owner);
  return ownerGone({ ...(executor !== undefined && { executor }), heartbeatAt }, self, NOW, STALE_MS, pidExists);
}

describe('the owner of a run', () => {
  it('names this process by host, pid namespace, pid and an instance id of its own', () => {
    expect(parseExecutor(formatExecutor(THIS_PROCESS))).toEqual(THIS_PROCESS);
    expect(THIS_PROCESS.instance).toMatch(/^[0-9a-f]{16}$/);
    expect(parseExecutor('old-host:4242')).toEqual({ host: 'old-host', pid: 4242, instance: '' });
    expect(parseExecutor('not an executor')).toBeUndefined();
  });

  it('restarted by Docker (same host name, pid 1 again, a new pid namespace): gone once its heartbeat is stale, although pid 1 lives', () => {
    const restarted: ExecutorIdentity = { ...BEFORE, pidNamespace: '4026532379', instance: 'b2b2b2b2b2b2b2b2' };
    expect(gone(BEFORE, fresh, restarted)).toBe(false);
    expect(gone(BEFORE, stale, restarted)).toBe(true);
  });

  it('restarted into a pid namespace with the same number: gone at once, since its pid is ours now', () => {
    const restarted: ExecutorIdentity = { ...BEFORE, instance: 'b2b2b2b2b2b2b2b2' };
    expect(gone(BEFORE, fresh, restarted)).toBe(true);
  });

  it('on this host and namespace: gone when its pid no longer exists; a live pid counts only while the heartbeat is fresh (pids are reused)', () => {
    const self: ExecutorIdentity = { ...BEFORE, pid: 7, instance: 'c3c3c3c3c3c3c3c3' };
    expect(gone(BEFORE, fresh, self, dead)).toBe(true);
    expect(gone(BEFORE, fresh, self, alive)).toBe(false);
    expect(gone(BEFORE, stale, self, alive)).toBe(true);
  });

  it('another host or container, or an owner not recorded: alive while the heartbeat is fresh', () => {
    const elsewhere: ExecutorIdentity = { host: 'other', pidNamespace: '4026531836', pid: 1, instance: 'd4d4d4d4d4d4d4d4' };
    expect(gone(BEFORE, fresh, elsewhere, dead)).toBe(false);
    expect(gone(BEFORE, stale, elsewhere)).toBe(true);
    expect(gone(undefined, fresh, elsewhere)).toBe(false);
    expect(gone(undefined, stale, elsewhere)).toBe(true);
    // Written before the instance id: host:pid, judged by its heartbeat alone.
    expect(gone('ops-bot:1', fresh, BEFORE, dead)).toBe(false);
    expect(gone('ops-bot:1', stale, BEFORE)).toBe(true);
  });

  it('a run of this very process is never gone, however long it has been silent', () => {
    expect(gone(BEFORE, stale, BEFORE, dead)).toBe(false);
  });
});

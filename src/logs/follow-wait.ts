import type { FollowStatus } from './follow.ts';

/** Waits `ms`, or less when the signal aborts: a follower waiting for its log must still stop at once. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The wait before attempt `failures + 1`: `first`, doubling, at most `cap`. */
export function backoff(failures: number, first: number, cap: number): number {
  return Math.min(cap, first * 2 ** Math.min(failures, 30));
}

/** Passes a follower's status on only when it changed: a follower polling a stopped container says so once. */
export function statusReporter(onStatus: ((status: FollowStatus) => void) | undefined): (status: FollowStatus) => void {
  let last = '';
  return (status) => {
    const key = `${status.state}\n${status.reason ?? ''}`;
    if (key === last) return;
    last = key;
    onStatus?.(status);
  };
}

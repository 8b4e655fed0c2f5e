/**
 * Long synchronous work split into pieces (a log scan parses one read's bytes at a time) shares the event loop:
 * once the pieces run in one turn of the loop have taken SLICE_MS, the next one waits for the loop's next turn,
 * where timers, sockets and chat requests come first. Many scans at once (a report over twenty connectors, whose
 * reads complete together and are handed out in one turn) then hold the loop for about one slice, not for all
 * their pieces: an acknowledgement waits behind a report for a slice, not for hundreds of milliseconds.
 */
const SLICE_MS = 10;

/** When the current slice began: at the first piece run after the loop's last turn. */
let sliceStarted = performance.now();
let turnPending = false;

/**
 * Runs `piece` at once while the slice lasts, else at a later turn (the first piece there starts a new slice).
 * The check and the piece run together, so that two callers cannot both pass the check and then both run.
 */
export async function inSlice<T>(piece: () => T): Promise<T> {
  while (performance.now() - sliceStarted >= SLICE_MS) {
    if (!turnPending) {
      turnPending = true;
      // Queued before the pieces that wait, so it runs first in that turn and they count from there.
      setImmediate(() => {
        turnPending = false;
        sliceStarted = performance.now();
      });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return piece();
}

export interface AckGateOptions {
  /** A burst's acknowledgements are over once none has followed the last for this long. */
  quietMs: number;
  /** The longest a delivery's work waits for a burst's acknowledgements to end: under a steady stream it goes on. */
  maxWaitMs: number;
}

/**
 * Holds the work of acknowledged deliveries until their burst's acknowledgements are over: a platform waits for
 * an acknowledgement (Slack gives 3 s, then sends again) but gives the work minutes, so fifty commands at once are
 * all acknowledged before any of them runs, not behind the first ones' work.
 */
export class AckGate {
  private readonly options: AckGateOptions;
  /** The work of deliveries acknowledged since the last quiet moment, and when the first of them was. */
  private held: { since: number; release: Array<() => void>; timer?: NodeJS.Timeout } | undefined;

  constructor(options: AckGateOptions) {
    this.options = options;
  }

  /** Resolves once no other delivery has been acknowledged for quietMs, or maxWaitMs after the first one waiting. */
  after(): Promise<void> {
    return new Promise((resolve) => {
      const now = performance.now();
      const held = (this.held ??= { since: now, release: [] });
      held.release.push(resolve);
      clearTimeout(held.timer);
      const left = held.since + this.options.maxWaitMs - now;
      if (left <= 0) this.release();
      else held.timer = setTimeout(() => this.release(), Math.min(this.options.quietMs, left));
    });
  }

  private release(): void {
    const release = this.held?.release ?? [];
    clearTimeout(this.held?.timer);
    this.held = undefined;
    for (const resolve of release) resolve();
  }
}

/** A burst from Slack or Teams arrives over a few tens of milliseconds, longer on a busy machine. */
const acks = new AckGate({ quietMs: 30, maxWaitMs: 250 });

/**
 * Called once a delivery has been acknowledged, before its work: waits until the burst's acknowledgements are over
 * (see AckGate), then for a share of a turn: fifty commands at once answer in slices, not in one block that holds
 * other deliveries.
 */
export async function afterPendingAcks(): Promise<void> {
  await acks.after();
  await inSlice(() => undefined);
}

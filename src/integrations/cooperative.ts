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

/**
 * One turn of the event loop, so that what is queued (other deliveries, their acknowledgements) runs first; then
 * a share of a turn: fifty commands at once answer in slices, not in one block that holds the next acknowledgements.
 */
export async function afterPendingAcks(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await inSlice(() => undefined);
}

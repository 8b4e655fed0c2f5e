/**
 * Runs inside the mount namespace of `spawnOnTmpfs`, on a small tmpfs: opens the store there under a fault that
 * only a real file system gives, and prints what the store said, as one JSON line.
 * Usage: node store-on-tmpfs.ts <dir on the tmpfs> first-start|write|read-only
 *   first-start  the disk is full before the store is ever opened
 *   write        the store opens, then the disk fills up and a delivery is claimed
 *   read-only    the store was made, then its file system is mounted read-only, and the store is opened again
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Deliveries } from '../../../src/store/deliveries.ts';
import { Store } from '../../../src/store/store.ts';
import { fillUp } from '../mount-namespace.ts';

const [dir, mode] = process.argv.slice(2) as [string, 'first-start' | 'write' | 'read-only'];
const path = join(dir, 'connector-ops.sqlite');
const failure = (error: unknown) => ({ name: (error as Error).name, code: (error as { code?: string }).code, message: (error as Error).message });
try {
  if (mode === 'first-start') fillUp(join(dir, 'filler'));
  if (mode === 'read-only') {
    Store.open(path).close();
    execFileSync('mount', ['-o', 'remount,ro', dir]);
  }
  const store = Store.open(path);
  fillUp(join(dir, 'filler'));
  try {
    new Deliveries(store).claim('slack:command:1', new Date());
    process.stdout.write(`${JSON.stringify({ wrote: true })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: failure(error), health: store.health.problem?.message })}\n`);
  }
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: failure(error) })}\n`);
}

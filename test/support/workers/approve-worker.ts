/**
 * A second bot process for the exactly-once tests: opens the store on the given DATA_DIR file and tries to
 * approve (and start) one request many times at once, then prints how many of its attempts won.
 * Usage: node approve-worker.ts <store path> <request id> <attempts> <actor id> <approval time, ISO>
 * The time comes from the test, so that the request's expiry is judged against the test's clock, not the wall's.
 */
import { personOf } from '../../../src/domain/operation.ts';
import { AuditLog } from '../../../src/store/audit-log.ts';
import { OperationRequests } from '../../../src/store/operation-requests.ts';
import { Store } from '../../../src/store/store.ts';

const [path, id, attempts, actorId, at] = process.argv.slice(2) as [string, string, string, string, string];
const store = Store.open(path);
const requests = new OperationRequests(store, new AuditLog(store));
const actor = personOf({ platform: 'slack', id: actorId, displayName: actorId });
// Wait for the go signal on stdin, so that both processes race from the same moment.
process.stdin.once('data', async () => {
  const results = await Promise.all(
    Array.from({ length: Number(attempts) }, async () => {
      const now = new Date(at);
      const approved = requests.transition(id, ['pending'], 'approved', now, { decidedBy: actor, decidedAt: now }, { event: 'approved', actor, detail: {} });
      const started = approved.ok && requests.transition(id, ['approved'], 'executing', now, {}, { event: 'started', detail: {} }).ok;
      return started ? 1 : 0;
    }),
  );
  process.stdout.write(`${results.reduce<number>((a, b) => a + b, 0)}\n`);
  store.close();
  process.exit(0);
});
process.stdout.write('ready\n');

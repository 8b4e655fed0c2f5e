/**
 * A bot process for the audit chain: opens the store on the given file and, on the go signal, appends entries,
 * one transaction each, pausing a moment between them so that another process's appends fall in between.
 * Usage: node audit-append-worker.ts <store path> <entries> <name>
 */
import { AuditLog } from '../../../src/store/audit-log.ts';
import { Store } from '../../../src/store/store.ts';

const [path, count, name] = process.argv.slice(2) as [string, string, string];
const store = Store.open(path);
const audit = new AuditLog(store);
process.stdin.once('data', async () => {
  for (let i = 0; i < Number(count); i++) {
    audit.append({ at: new Date(), event: 'progress', connector: name, detail: { text: `${name} ${i}` } });
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  store.close();
  process.stdout.write('done\n');
  process.exit(0);
});
process.stdout.write('ready\n');

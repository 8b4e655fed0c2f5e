import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxWorker } from '../../src/delivery/outbox-worker.ts';
import type { ConversationTransport } from '../../src/delivery/transport.ts';
import type { Message } from '../../src/domain/message.ts';
import { Outbox } from '../../src/store/outbox.ts';
import { Store } from '../../src/store/store.ts';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-outbox-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const module = (path: string) => JSON.stringify(resolve(import.meta.dirname, '../../src', path));
const PRELUDE = `
  const { Store } = await import(${module('store/store.ts')});
  const { Outbox } = await import(${module('store/outbox.ts')});
  const { OutboxWorker } = await import(${module('delivery/outbox-worker.ts')});
  const { pino } = await import('pino');
`;

/** Runs a bot-like process on the store, and kills it (SIGKILL) once it has printed `signal`. */
async function killAfter(script: string, signal: string, extraMs = 0): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', PRELUDE + script], { cwd: resolve(import.meta.dirname, '../..') });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((done) => child.on('close', () => done()));
  await new Promise<void>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes(signal)) ready();
    });
    child.on('close', (code) => fail(new Error(`child ended (${code}) before "${signal}": ${stderr}`)));
  });
  await new Promise((wait) => setTimeout(wait, extraMs));
  child.kill('SIGKILL');
  await closed;
}

class RecordingTransport implements ConversationTransport {
  readonly platform = 'memory';
  readonly posted: string[] = [];
  async post(_conversation: string, message: Message): Promise<{ ref: string }> {
    this.posted.push(message.text);
    return { ref: `m:${this.posted.length}` };
  }
  async update(): Promise<void> {}
}

describe('Outbox under kill -9', () => {
  it('keeps every enqueueMany whole: a run killed mid-batch leaves whole batches, in order', async () => {
    const file = join(tmp, 'batches.sqlite');
    await killAfter(
      `const outbox = new Outbox(Store.open(${JSON.stringify(file)}));
       for (let batch = 0; ; batch++) {
         outbox.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ conversation: 'memory:ops', message: { text: batch + '.' + i, blocks: [] } })));
         if (batch === 20) process.stdout.write('enqueued\\n');
       }`,
      'enqueued',
      Math.random() * 50,
    );
    const store = Store.open(file);
    try {
      const outbox = new Outbox(store);
      const { total } = outbox.pending();
      expect(total).toBeGreaterThan(200);
      expect(total % 10).toBe(0);

      const transport = new RecordingTransport();
      const worker = new OutboxWorker({ outbox, transports: new Map([['memory', transport]]), logger: pino({ level: 'silent' }) });
      while ((await worker.deliverDue()) > 0);
      expect(transport.posted).toEqual(Array.from({ length: total }, (_, n) => `${Math.floor(n / 10)}.${n % 10}`));
    } finally {
      store.close();
    }
  });

  it('delivers, after the restart, what a worker killed mid-delivery was posting (once its lease ends), then the rest', async () => {
    const file = join(tmp, 'in-flight.sqlite');
    await killAfter(
      `const outbox = new Outbox(Store.open(${JSON.stringify(file)}));
       outbox.enqueueMany([
         { conversation: 'memory:ops', message: { text: 'A', blocks: [] } },
         { conversation: 'memory:ops', message: { text: 'B', blocks: [] } },
       ]);
       const hangs = { platform: 'memory', post: (_c, m) => { process.stdout.write('posting ' + m.text + '\\n'); return new Promise(() => {}); }, update: async () => {} };
       const worker = new OutboxWorker({ outbox, transports: new Map([['memory', hangs]]), logger: pino({ level: 'silent' }), leaseMs: 500 });
       worker.start();
       setInterval(() => {}, 1000);`,
      'posting A',
    );
    const store = Store.open(file);
    try {
      const outbox = new Outbox(store);
      const transport = new RecordingTransport();
      const worker = new OutboxWorker({ outbox, transports: new Map([['memory', transport]]), logger: pino({ level: 'silent' }), pollMs: 20 });
      worker.start();
      await expect.poll(() => transport.posted, { timeout: 5_000 }).toEqual(['A', 'B']);
      await worker.stop();
      expect(outbox.pending().total).toBe(0);
    } finally {
      store.close();
    }
  });
});

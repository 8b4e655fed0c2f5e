import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FileScan, FileScanRequest, LogFileScanner } from './file-scan.ts';
import type { FromScanThread, ToScanThread } from './file-scan-worker.ts';

interface Pending {
  resolve: (scan: FileScan) => void;
  reject: (error: Error) => void;
  signal: AbortSignal;
  onAbort: () => void;
}

/** The worker's entry beside this file: `.ts` when run from the sources (tests, benchmarks), `.js` when built. */
const ENTRY = new URL(`./file-scan-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A runaway scan ends the thread, not the bot: the scans' memory is bounded far below this. */
const MAX_HEAP_MB = 256;

/**
 * Scans log files in one thread beside the bot's: a report over twenty connectors parses hundreds of megabytes of
 * logs, and in the bot's own thread that work and its garbage stall chat acknowledgements. Started at the first
 * scan; holds the process open only while scans run; a thread that dies fails its scans (the check then says
 * why) and the next scan starts a new one.
 */
export class FileScanThread implements LogFileScanner {
  private readonly secrets: readonly string[];
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /** @param secrets the configured secret values, masked in what the scans find */
  constructor(secrets: readonly string[]) {
    this.secrets = secrets;
  }

  scan(request: FileScanRequest, signal: AbortSignal): Promise<FileScan> {
    signal.throwIfAborted();
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<FileScan>((resolve, reject) => {
      const onAbort = (): void => {
        this.send({ type: 'cancel', id });
        this.settle(id)?.reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, signal, onAbort });
      worker.ref();
      this.send({ type: 'scan', id, request });
    });
  }

  /** Ends the thread; scans still running fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failAll(new Error('the bot is stopping'));
    await worker?.terminate();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(ENTRY, {
      workerData: { secrets: [...this.secrets] },
      resourceLimits: { maxOldGenerationSizeMb: MAX_HEAP_MB },
      // The bot's own flags are not the thread's (an --input-type or --eval would stop it starting).
      execArgv: [],
    });
    worker.on('message', (message: FromScanThread) => {
      const pending = this.settle(message.id);
      if (!pending) return;
      if ('scan' in message) pending.resolve(message.scan);
      else pending.reject(new Error(message.failure));
    });
    worker.on('error', (error) => this.ended(worker, `the log scan thread failed: ${error.message}`));
    worker.on('exit', (code) => this.ended(worker, `the log scan thread ended (exit code ${code})`));
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private send(message: ToScanThread): void {
    this.worker?.postMessage(message);
  }

  private settle(id: number): Pending | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    pending.signal.removeEventListener('abort', pending.onAbort);
    if (this.pending.size === 0) this.worker?.unref();
    return pending;
  }

  private ended(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new Error(reason));
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }
}

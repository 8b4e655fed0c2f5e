import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineSettings } from '../../config/config.ts';
import type { ErrorLogScan, ErrorLogScanRequest } from './scan.ts';
import type { ErrorLogScanner } from './scanner.ts';
import type { FromScanThread, ScanThreadData, ToScanThread } from './log-scan-worker.ts';

interface Pending {
  resolve: (scan: ErrorLogScan) => void;
  reject: (error: Error) => void;
  signal: AbortSignal;
  onAbort: () => void;
  /** Set once cancelled: when the thread has not answered with what it read by then, the scan fails. */
  deadline?: NodeJS.Timeout;
}

/** The worker's entry beside this file: `.ts` when run from the sources (tests, benchmarks), `.js` when built. */
const ENTRY = new URL(`./log-scan-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** How long a cancelled scan may take to hand back what it read before it was stopped. */
const CANCEL_GRACE_MS = 1_000;

/** A runaway scan ends the thread, not the bot: the scans' memory is bounded far below this. */
const MAX_HEAP_MB = 256;

/**
 * Scans connectors' logs (container logs and log files) in one thread beside the bot's: a report over twenty
 * connectors reads and parses hundreds of megabytes of logs, and in the bot's own thread that work and its garbage
 * stall chat acknowledgements. Started at the first scan; holds the process open only while scans run; a thread
 * that dies fails its scans (the check then says why) and the next scan starts a new one.
 */
export class LogScanThread implements ErrorLogScanner {
  private readonly data: ScanThreadData;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  /**
   * @param secrets the configured secret values, masked in what the scans find
   * @param engines the configured engines, which the thread reaches through clients of its own
   */
  constructor(secrets: readonly string[], engines: readonly EngineSettings[]) {
    this.data = { secrets: [...secrets], engines: engines.map((engine) => ({ ...engine })) };
  }

  scan(request: ErrorLogScanRequest, signal: AbortSignal): Promise<ErrorLogScan> {
    signal.throwIfAborted();
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<ErrorLogScan>((resolve, reject) => {
      // The thread stops the scan and answers with how far it got, as a scan in this thread would.
      const onAbort = (): void => {
        const reason = asError(signal.reason);
        this.send({ type: 'cancel', id, reason });
        const pending = this.pending.get(id);
        if (pending) pending.deadline = setTimeout(() => this.settle(id)?.reject(reason), CANCEL_GRACE_MS).unref();
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
      workerData: this.data,
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
    clearTimeout(pending.deadline);
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

/** An abort's reason as an error: the thread receives it cloned (errors and DOMExceptions keep name and message). */
function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

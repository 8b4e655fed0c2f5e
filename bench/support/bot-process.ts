import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** One JSON record of the bot's log (pino): `time` in ms by the bot's clock, the machine's. */
export interface LogRecord {
  level: number;
  time: number;
  msg?: string;
  [field: string]: unknown;
}

/** The bot's own CPU time and resident memory at one moment, from /proc (Linux). */
export interface Usage {
  /** performance.now() of this process when read. */
  at: number;
  cpuMs: number;
  rssBytes: number;
}

export interface BotProcess {
  pid: number;
  /** The first log record, past or future, the predicate accepts; rejects after `timeoutMs` or when the bot exits. */
  waitForLog(predicate: (record: LogRecord) => boolean, timeoutMs: number): Promise<LogRecord>;
  records(): readonly LogRecord[];
  /** Whether it still runs. */
  alive(): boolean;
  usage(): Usage;
  /** SIGTERM, as a service manager stops it; resolves with the exit code once it has shut down. */
  stop(): Promise<number | null>;
}

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const WARN = 40;
const STOP_TIMEOUT_MS = 20_000;

/** Clock ticks per second of /proc's CPU times, and bytes per page of its RSS. */
const [TICKS_PER_S, PAGE_BYTES] = ['CLK_TCK', 'PAGESIZE'].map((name, i) => Number(spawnSync('getconf', [name], { encoding: 'utf8' }).stdout.trim()) || [100, 4096][i]!) as [number, number];

/**
 * The real bot, `connector-ops start` (src/bin.ts), in a process of its own with exactly `env`: what it costs
 * in CPU and memory is its own, not shared with the stand-ins and the load the bench runs. Its JSON log is
 * read from stdout; warnings and errors are passed on to the bench's stderr, so a broken run shows why.
 */
export function startBot(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.pid === undefined) throw new Error('the bot did not start');
  const pid = child.pid;
  const records: LogRecord[] = [];
  const waiters = new Set<{ predicate: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }>();
  let exit: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exit = code))));

  createInterface({ input: child.stdout }).on('line', (line) => {
    let record: LogRecord;
    try {
      record = JSON.parse(line) as LogRecord;
    } catch {
      process.stderr.write(`bot: ${line}\n`);
      return;
    }
    records.push(record);
    if (record.level >= WARN) process.stderr.write(`bot ${record.level >= 50 ? 'error' : 'warning'}: ${line}\n`);
    for (const waiter of waiters) if (waiter.predicate(record)) waiter.resolve(record);
  });

  return {
    pid,
    records: () => records,
    alive: () => exit === undefined,
    waitForLog(predicate, timeoutMs) {
      const seen = records.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (record: LogRecord) => settle(() => resolve(record)) };
        const timer = setTimeout(() => settle(() => reject(new Error(`bot: no such log record within ${timeoutMs} ms`))), timeoutMs);
        void exited.then((code) => settle(() => reject(new Error(`bot exited (${code}) before the log record came`))));
        const settle = (done: () => void) => {
          if (!waiters.delete(waiter)) return;
          clearTimeout(timer);
          done();
        };
        waiters.add(waiter);
      });
    },
    usage() {
      const at = performance.now();
      // Fields after the command name, which may hold spaces: utime and stime are the 14th and 15th, rss the 24th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      return { at, cpuMs: (ticks * 1000) / TICKS_PER_S, rssBytes: Number(fields[21]) * PAGE_BYTES };
    },
    async stop() {
      if (exit !== undefined) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** `connector-ops` as its entry point runs it, for a child process of a test. */
export const BOT_BIN = resolve(import.meta.dirname, '../../src/bin.ts');

/** One JSON log line of the bot (LOG_FORMAT=json). */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** pino's numeric levels. */
export const LOG_LEVEL = { info: 30, warn: 40, error: 50 } as const;

/**
 * `connector-ops start` in a child process the test made (perhaps inside `unshare` or `setpriv`): its JSON log,
 * the URL of its HTTP server once it listens, and an orderly stop. The environment must set LOG_FORMAT=json and
 * HTTP_PORT=0; the port the bot got is read from its log.
 */
export class BotProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private output = '';

  constructor(child: ChildProcess) {
    this.child = child;
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.read(line);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) => child.on('exit', (code) => done(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** The bot's HTTP server, from its "HTTP server listening" line. */
  async url(timeoutMs = 30_000): Promise<string> {
    const line = await this.waitForLog((l) => l.msg === 'HTTP server listening', timeoutMs);
    return `http://127.0.0.1:${String(line.port)}`;
  }

  /** The log lines so far that match. */
  logged(predicate: (line: LogLine) => boolean): LogLine[] {
    return this.logs.filter(predicate);
  }

  async waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`the bot ended (${this.child.exitCode}); it said:\n${this.said()}`);
      if (Date.now() > deadline) throw new Error(`no such log line within ${timeoutMs} ms; the bot said:\n${this.said()}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** SIGTERM, as an orchestrator stops it; SIGKILL when it has not ended within the grace time. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Everything it printed, for a failure's message. */
  said(): string {
    return `${this.logs.map((l) => JSON.stringify(l)).join('\n')}\n${this.output}`;
  }

  private read(line: string): void {
    if (line.trim() === '') return;
    try {
      this.logs.push(JSON.parse(line) as LogLine);
    } catch {
      this.output += `${line}\n`;
    }
  }
}

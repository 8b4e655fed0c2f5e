import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A helper process of a benchmark that answers in JSON lines on stdout (its stderr goes to the bench's). */
export interface JsonChild {
  process: ChildProcess;
  /** The next line, parsed; rejects once the process has ended. */
  next<T>(): Promise<T>;
  /** Writes one line to its stdin. */
  send(line: string): void;
  /** Closes its stdin, which ends it. */
  end(): void;
}

export function spawnJsonChild(script: URL, args: string[] = []): JsonChild {
  const child = spawn(process.execPath, [fileURLToPath(script), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    process: child,
    async next<T>() {
      const line = await lines.next();
      if (line.done) throw new Error(`${fileURLToPath(script)} ended`);
      return JSON.parse(line.value) as T;
    },
    send: (line) => child.stdin!.write(`${line}\n`),
    end: () => child.stdin!.end(),
  };
}

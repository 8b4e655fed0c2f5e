import { connectorLogLine, type LogLevel } from '../../test/support/standin.ts';

/**
 * An error storm in the Connector's log format: a few distinct errors (some with stack lines, one FATAL) among
 * INFO request lines, in a fixed rotation, so that every error group recurs every second or so and none goes
 * quiet long enough to resolve while the storm lasts. The variable parts (numbers, addresses, ids) differ per
 * event and are masked by the grouping: each kind is one group.
 */

export interface StormKind {
  /** How the counts tell the kind apart: its events' messages start with it; so does its group's key. */
  prefix: string;
  level: LogLevel;
  category: string;
  message(n: number): string;
  stack: readonly string[];
}

const MONGO_STACK = [
  '    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)',
  '    at TLSSocket.<anonymous> (/usr/app/node_modules/mongodb/lib/cmap/connection.js:67:53)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:90:21)',
];
const HANDLER_STACK = [
  '    at MessageController.process (/usr/app/dist/modules/messages/MessageController.js:88:31)',
  '    at async MessageModule.handle (/usr/app/dist/modules/messages/MessageModule.js:41:9)',
];

export const STORM_KINDS: readonly StormKind[] = [
  { prefix: 'Sync failed', level: 'ERROR', category: 'Runtime.SyncModule', message: (n) => `Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.${n % 250}:27017`, stack: MONGO_STACK },
  { prefix: 'Request to webhook', level: 'ERROR', category: 'Runtime.WebhooksModule', message: (n) => `Request to webhook 'https://hooks.example.com/enmeshed/${n}' failed: Error: socket hang up`, stack: [] },
  {
    prefix: 'Error while processing message',
    level: 'ERROR',
    category: 'Runtime.MessageModule',
    message: (n) => `Error while processing message MSGxQbcIRRX5RROh${String(n % 10_000).padStart(4, '0')}: TypeError: Cannot read properties of undefined (reading 'content')`,
    stack: HANDLER_STACK,
  },
  { prefix: 'Uncaught exception in request handler', level: 'FATAL', category: 'HttpServer', message: (n) => `Uncaught exception in request handler after ${n} requests: RangeError: Maximum call stack size exceeded`, stack: [] },
];

/** One round of the rotation, by index into STORM_KINDS; -1 is an INFO request line. */
const ROTATION = [-1, 0, -1, 1, -1, 2, -1, 0, 1, -1, 3, -1, 0, -1, 1, 2];

/** A storm's events, each a list of lines (one event's stack is written with it, never split). */
export class StormLog {
  private event = 0;
  /** Events of each kind written, by prefix. */
  readonly written = new Map<string, number>(STORM_KINDS.map((kind) => [kind.prefix, 0]));
  lines = 0;

  /** The next events, at least `lines` lines of them. */
  next(lines: number): string[] {
    const out: string[] = [];
    while (out.length < lines) {
      const n = this.event++;
      const kind = STORM_KINDS[ROTATION[n % ROTATION.length]!];
      if (!kind) {
        out.push(connectorLogLine('INFO', 'HttpServer', `GET /api/core/v1/Messages?limit=${1 + (n % 100)} 200 -- ${1 + (n % 400)}ms`));
        continue;
      }
      // The stack goes into the event's message: connectorLogLine puts the colour's end after its last line.
      const lineSet = connectorLogLine(kind.level, kind.category, [kind.message(n), ...kind.stack].join('\n')).split('\n');
      out.push(...lineSet);
      this.written.set(kind.prefix, (this.written.get(kind.prefix) ?? 0) + 1);
    }
    this.lines += out.length;
    return out;
  }
}

/** The ERROR and FATAL events in a container's log text, by kind (the event's first line has the level). */
export function loggedEvents(text: string): Map<string, number> {
  const counts = new Map<string, number>(STORM_KINDS.map((kind) => [kind.prefix, 0]));
  counts.set('', 0);
  for (const match of text.matchAll(/\[(?:ERROR|FATAL)\] \S+ - ([^\n]*)/g)) {
    const kind = STORM_KINDS.find((k) => match[1]!.startsWith(k.prefix))?.prefix ?? '';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

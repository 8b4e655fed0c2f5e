/**
 * Generates Connector log output for benchmarks: the default log4js pattern layout with ANSI
 * colours, request lines with correlation ids, warnings, and errors with multi-line stack traces,
 * in the proportions of a busy Connector (about 2 % of events are errors). Deterministic: the same
 * size gives the same bytes.
 */

export interface GeneratedLog {
  bytes: Buffer;
  lines: number;
  /** ERROR and FATAL events in it. */
  errors: number;
}

const COLOUR = { INFO: 32, WARN: 33, ERROR: 31 } as const;

const PATHS = [
  '/api/core/v1/Messages',
  '/api/core/v1/Relationships',
  '/api/core/v1/Account/SyncInfo',
  '/api/core/v1/Attributes',
  '/health',
  '/Monitoring/Version',
];

const STACK = [
  '    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)',
  '    at TLSSocket.<anonymous> (/usr/app/node_modules/mongodb/lib/cmap/connection.js:67:53)',
  '    at TLSSocket.emit (node:events:519:28)',
  '    at emitErrorNT (node:internal/streams/destroy:170:8)',
  '    at emitErrorCloseNT (node:internal/streams/destroy:129:3)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:90:21)',
];

const ERRORS = [
  (n: number) => `Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.${n % 250}:27017`,
  (n: number) => `Request to webhook 'https://hooks.example.com/enmeshed/${n}' failed: Error: socket hang up`,
  (n: number) => `Error while processing message MSGxQbcIRRX5RROh${String(n % 10_000).padStart(4, '0')}: TypeError: Cannot read properties of undefined (reading 'content')`,
];

/** A small linear congruential generator: reproducible and fast. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

function stamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

function uuid(next: () => number): string {
  const hex = (length: number) =>
    Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

/** About `targetBytes` of log, all of it stamped within the minute before `now` (bot-local time). */
export function generateConnectorLog(targetBytes: number, now: Date): GeneratedLog {
  const next = random(42);
  const parts: string[] = [];
  let size = 0;
  let lines = 0;
  let errors = 0;
  let event = 0;
  while (size < targetBytes) {
    const time = stamp(new Date(now.getTime() - 60_000 + Math.floor(next() * 59_000)));
    const roll = next();
    let text: string;
    let colour: number;
    let level: string;
    let category: string;
    if (roll < 0.02) {
      const kind = ERRORS[event % ERRORS.length] ?? ERRORS[0];
      text = `${kind?.(event)}\n${STACK.slice(0, 3 + (event % 4)).join('\n')}`;
      ({ ERROR: colour } = COLOUR);
      level = 'ERROR';
      category = 'Runtime.SyncModule';
      errors++;
    } else if (roll < 0.07) {
      text = `Request to webhook 'https://hooks.example.com/enmeshed' returned status ${500 + (event % 4)}`;
      colour = COLOUR.WARN;
      level = 'WARN';
      category = 'Runtime.WebhooksModule';
    } else {
      const path = PATHS[event % PATHS.length];
      text = `GET ${path}?limit=${1 + Math.floor(next() * 100)} 200 -- ${1 + Math.floor(next() * 400)}ms ${uuid(next)}`;
      colour = COLOUR.INFO;
      level = 'INFO';
      category = 'HttpServer';
    }
    const entry = `\x1b[${colour}m[${time}] [${level}] ${category} - ${text} \x1b[39m\n`;
    parts.push(entry);
    size += Buffer.byteLength(entry);
    lines += entry.split('\n').length - 1;
    event++;
  }
  return { bytes: Buffer.from(parts.join('')), lines, errors };
}

import { describe, expect, it } from 'vitest';
import type { ErrorEvent } from '../../src/logs/event.ts';
import { MAX_MESSAGE_CHARS, MAX_STACK_LINES } from '../../src/logs/event.ts';
import { LogEventParser } from '../../src/logs/parser.ts';
import { LineSplitter } from '../../src/logs/lines.ts';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const MAGENTA = '\x1b[35m';
const RESET = '\x1b[39m';

/** Runs text through the splitter and the parser as a log source would, in chunks of `chunkSize` bytes. */
function parse(text: string | Buffer, chunkSize = 64 * 1024): { events: ErrorEvent[]; parser: LogEventParser } {
  const events: ErrorEvent[] = [];
  const parser = new LogEventParser((event) => events.push(event));
  const splitter = new LineSplitter(parser);
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let at = 0; at < bytes.length; at += chunkSize) splitter.push(bytes.subarray(at, at + chunkSize));
  splitter.end();
  parser.end();
  return { events, parser };
}

function local(iso: string): number {
  // The Connector's %d: local time without zone, read as the bot's local time.
  return new Date(iso).getTime();
}

// What a Connector 7 prints with its default layout: INFO requests, a sync error whose stack ends
// with the (here present) correlation id and the colour reset, a WARN, a second sync error whose
// reset closes the first line instead, and a FATAL at shutdown.
const PATTERN_CORPUS = [
  `${GREEN}[2026-08-20T09:13:59.001] [INFO] Runtime.HttpServer - GET /health 200 -- 3ms ${RESET}`,
  `${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime.SyncModule - Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017`,
  '    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)',
  '    at Socket.emit (node:events:519:28)',
  `    at emitErrorNT (node:internal/streams/destroy:170:8) 3f2b8c1e-9a4d-4e2b-8f1a-0123456789ab${RESET}`,
  `${YELLOW}[2026-08-20T09:14:04.000] [WARN] Runtime.Backbone - An error occured during the Backbone connection health check ${RESET}`,
  `${RED}[2026-08-20T09:15:03.512] [ERROR] Runtime.SyncModule - Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017 ${RESET}`,
  '    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)',
  `${GREEN}[2026-08-20T09:15:04.100] [INFO] Runtime.HttpServer - GET /api/core/v1/Messages 200 -- 12ms ${RESET}`,
  `${MAGENTA}[2026-08-20T09:16:00.000] [FATAL] Connector - Could not connect to the configured database. Exiting... ${RESET}`,
].join('\n');

describe('LogEventParser: the Connector pattern layout', () => {
  it('finds the ERROR and FATAL events with their timestamps, messages and stacks', () => {
    const { events, parser } = parse(`${PATTERN_CORPUS}\n`);
    expect(parser.events).toBe(6);
    expect(events).toEqual([
      {
        level: 'ERROR',
        time: local('2026-08-20T09:14:03.512'),
        message: 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017',
        stack: [
          '    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)',
          '    at Socket.emit (node:events:519:28)',
          '    at emitErrorNT (node:internal/streams/destroy:170:8)',
        ],
      },
      {
        level: 'ERROR',
        time: local('2026-08-20T09:15:03.512'),
        message: 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017',
        stack: ['    at Connection.onError (/usr/app/node_modules/mongodb/lib/cmap/connection.js:207:9)'],
      },
      {
        level: 'FATAL',
        time: local('2026-08-20T09:16:00.000'),
        message: 'Could not connect to the configured database. Exiting...',
        stack: [],
      },
    ]);
  });

  it('gives the same events whatever the chunk boundaries', () => {
    const whole = parse(`${PATTERN_CORPUS}\n`).events;
    for (const size of [1, 2, 7, 8, 9, 63, 100]) expect(parse(`${PATTERN_CORPUS}\n`, size).events).toEqual(whole);
  });

  it('keeps the last event even without a final newline', () => {
    const { events } = parse(`${GREEN}[2026-08-20T09:00:00.000] [INFO] a - b${RESET}\n${RED}[2026-08-20T09:00:01.000] [ERROR] a - last one`);
    expect(events.map((event) => event.message)).toEqual(['last one']);
  });

  it('strips a trailing correlation id from a one-line event', () => {
    const { events } = parse(`${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime - Request failed 3f2b8c1e-9a4d-4e2b-8f1a-0123456789ab${RESET}\n`);
    expect(events[0]?.message).toBe('Request failed');
  });

  it('reads the basic layout, lower-case and padded levels, zones and offsets', () => {
    const text = [
      '[2026-08-20T09:14:03.512] [ERROR] Runtime.SyncModule - plain basic layout',
      '[2026-08-20T09:14:03.512Z] [error] Runtime - with Z',
      '[2026-08-20T09:14:03.512+02:00] [Fatal] Runtime - with offset',
      '[2026-08-20 09:14:03,512] [ERROR ] Runtime - space and comma',
      '[2026-08-20T09:14:04.000] [DEBUG] Runtime - not counted',
      '[2026-08-20T09:14:04.000] [TRACE] Runtime - not counted',
    ].join('\n');
    const { events, parser } = parse(text);
    expect(parser.events).toBe(6);
    expect(events.map((event) => [event.level, event.time, event.message])).toEqual([
      ['ERROR', local('2026-08-20T09:14:03.512'), 'plain basic layout'],
      ['ERROR', Date.UTC(2026, 7, 20, 9, 14, 3, 512), 'with Z'],
      ['FATAL', Date.UTC(2026, 7, 20, 7, 14, 3, 512), 'with offset'],
      ['ERROR', local('2026-08-20T09:14:03.512'), 'space and comma'],
    ]);
  });

  it('takes an event whose date it cannot read, without a time', () => {
    const { events } = parse('[20 08 2026 09:14:03.512] [ERROR] Runtime - odd date format\n');
    expect(events).toEqual([{ level: 'ERROR', time: undefined, message: 'odd date format', stack: [] }]);
  });

  it('reads lines behind Docker timestamps and with CRLF line ends', () => {
    const text = [
      `2026-08-20T09:14:03.512345678Z ${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime - behind a docker timestamp`,
      '2026-08-20T09:14:03.512400000Z     at frame (file.js:1:1)',
      `${RED}[2026-08-20T09:14:05.000] [ERROR] Runtime - windows line end ${RESET}`,
      '    at frame (file.js:2:2)',
      '',
    ].join('\r\n');
    const { events } = parse(text);
    expect(events).toEqual([
      { level: 'ERROR', time: local('2026-08-20T09:14:03.512'), message: 'behind a docker timestamp', stack: ['    at frame (file.js:1:1)'] },
      { level: 'ERROR', time: local('2026-08-20T09:14:05.000'), message: 'windows line end', stack: ['    at frame (file.js:2:2)'] },
    ]);
  });

  it('ignores garbage lines outside events and keeps those inside an error as its continuation', () => {
    const text = [
      'npm notice New major version of npm available!',
      '\u0000\u0001\u00ff binary junk',
      '[1] not a date in brackets',
      `${GREEN}[2026-08-20T09:14:00.000] [INFO] Runtime - started${RESET}`,
      '    orphan line after an INFO event',
      `${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime - Request to webhook failed`,
      '{ "response": "not a log event, part of the message" }',
      '[1] continues too',
      '',
    ].join('\n');
    const { events, parser } = parse(text);
    expect(parser.events).toBe(2);
    expect(events).toEqual([
      {
        level: 'ERROR',
        time: local('2026-08-20T09:14:03.512'),
        message: 'Request to webhook failed',
        stack: ['{ "response": "not a log event, part of the message" }', '[1] continues too'],
      },
    ]);
  });

  it('keeps a bounded part of very long lines and of long stacks', () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const stack = Array.from({ length: 50 }, (_, i) => `    at frame${i} (file.js:${i}:1) ${huge.slice(0, 1000)}`);
    const text = [
      `${GREEN}[2026-08-20T09:14:00.000] [INFO] Runtime - ${huge}${RESET}`,
      `${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime - ${huge}`,
      ...stack,
      `${RED}[2026-08-20T09:14:04.000] [ERROR] Runtime - after the long ones`,
      '',
    ].join('\n');
    for (const chunkSize of [16 * 1024, 4 * 1024 * 1024]) {
      const { events, parser } = parse(text, chunkSize);
      expect(parser.events).toBe(3);
      expect(events).toHaveLength(2);
      expect(events[0]?.message).toHaveLength(MAX_MESSAGE_CHARS);
      expect(events[0]?.stack).toHaveLength(MAX_STACK_LINES);
      expect(events[0]?.stack[0]?.startsWith('    at frame0 (file.js:0:1) xxx')).toBe(true);
      expect(events[1]?.message).toBe('after the long ones');
    }
  });
});

describe('LogEventParser: output outside the layout (console.error, uncaught errors)', () => {
  // What a real Connector 7.0.0 printed when it could not reach the Backbone at its first start, then exited 1.
  const startupCrash = [
    `${GREEN}[2026-12-01T06:21:59.101] [INFO] ConnectorRuntime - Starting the Connector${RESET}`,
    'Options:',
    '  --help     Show help                                                 [boolean]',
    '  --version  Show version number                                       [boolean]',
    '',
    "RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 127.0.0.1:18191' for POST /api/v2/Challenges at 2026-12-01T06:21:59.936Z",
    '    at RequestError.fromAxiosError (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RequestError.js:87:24)',
    '    at RESTClient.runRequest (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RESTClient.js:140:40)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
    '',
  ].join('\n');

  it('a start-up failure printed without a level after an INFO event is an error event of its own', () => {
    const { events } = parse(startupCrash);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      level: 'ERROR',
      time: undefined,
      message: "RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 127.0.0.1:18191' for POST /api/v2/Challenges at 2026-12-01T06:21:59.936Z",
    });
    expect(events[0]!.stack[0]).toMatch(/^\s+at RequestError\.fromAxiosError/);
  });

  it('takes its time from a Docker timestamp in front of the line', () => {
    const stamped = startupCrash
      .split('\n')
      .map((line) => (line ? `2026-12-01T06:21:59.936123456Z ${line}` : line))
      .join('\n');
    const { events } = parse(stamped);
    expect(events).toHaveLength(1);
    expect(events[0]!.time).toBe(Date.parse('2026-12-01T06:21:59.936Z'));
  });

  it('an uncaught exception with an error code, a broker refused at start, and unhandled rejections', () => {
    const text = [
      `${GREEN}[2026-12-01T06:30:00.000] [INFO] ConnectorRuntime - Starting the Connector${RESET}`,
      "Error: connect ECONNREFUSED 127.0.0.1:5672",
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1637:16)',
      `${GREEN}[2026-12-01T06:31:00.000] [INFO] ConnectorRuntime - Starting the Connector${RESET}`,
      "TypeError [ERR_INVALID_ARG_TYPE]: The \"path\" argument must be of type string. Received undefined",
      '    at Object.join (node:path:1268:7)',
      'Uncaught exception: boom',
      '[UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block] {',
      "  code: 'ERR_UNHANDLED_REJECTION'",
      '}',
      "(node:1) UnhandledPromiseRejectionWarning: Error: lost",
    ].join('\n');
    const { events } = parse(text);
    expect(events.map((e) => e.message.slice(0, 30))).toEqual([
      'Error: connect ECONNREFUSED 12',
      'TypeError [ERR_INVALID_ARG_TYP',
      'Uncaught exception: boom',
      '[UnhandledPromiseRejection: Th',
      '(node:1) UnhandledPromiseRejec',
    ]);
    expect(events[3]!.stack).toEqual(["  code: 'ERR_UNHANDLED_REJECTION'", '}']);
  });

  it('an error-like line without a stack frame after it is not counted (plain output quoting an error)', () => {
    const text = [
      `${GREEN}[2026-12-01T06:30:00.000] [INFO] Runtime - started${RESET}`,
      'Error: this is only text printed by a script',
      'and more plain text',
      'ValidationError: still text',
    ].join('\n');
    expect(parse(text).events).toEqual([]);
  });

  it('inside an ERROR event, an error line at column 0 stays part of it (no double count)', () => {
    const text = [
      `${RED}[2026-12-01T06:30:00.000] [ERROR] SyncModule - Sync failed${RESET}`,
      "RequestError: error.transport.request.unknown (500): 'connect ECONNREFUSED 10.0.0.5:443' for POST /api/v2/SyncRuns",
      '    at RequestError.fromAxiosError (/usr/app/node_modules/@nmshd/transport/dist/core/backbone/RequestError.js:87:24)',
    ].join('\n');
    const { events } = parse(text);
    expect(events).toHaveLength(1);
    expect(events[0]!.message).toBe('Sync failed');
  });

  it('gives the same events whatever the chunk boundaries', () => {
    const whole = parse(startupCrash).events;
    for (const size of [1, 7, 50]) expect(parse(startupCrash, size).events).toEqual(whole);
  });
});

describe('LogEventParser: JSON layout', () => {
  it('reads Serilog compact JSON: @l absent means Information, @mt rendered, @x as the stack', () => {
    const text = [
      '{"@t":"2026-08-20T07:14:02.0000000Z","@mt":"GET {path} 200","path":"/health"}',
      '{"@t":"2026-08-20T07:14:03.5120000Z","@mt":"Request to webhook {url} returned status {status}","@l":"Error","url":"https://hooks.example.com/x","status":502,"correlationId":"3f2b8c1e-9a4d-4e2b-8f1a-0123456789ab"}',
      '{"@t":"2026-08-20T07:14:04Z","@m":"Sync failed","@l":"ERROR","@x":"MongoServerError: bad auth : authentication failed\\n    at Connection.onMessage (connection.js:1:1)"}',
      '{"@t":"2026-08-20T07:14:05Z","@mt":"Shutting down {{now}}","@l":"Fatal"}',
      '{"@t":"2026-08-20T07:14:06Z","@mt":"Backbone health check failed","@l":"Warning"}',
      '{ "@t" : "2026-08-20T07:14:07Z" , "@l" : "error" , "@m" : "spaces around colons" }',
    ].join('\n');
    const { events, parser } = parse(text);
    expect(parser.events).toBe(6);
    expect(events).toEqual([
      {
        level: 'ERROR',
        time: Date.UTC(2026, 7, 20, 7, 14, 3, 512),
        message: 'Request to webhook https://hooks.example.com/x returned status 502',
        stack: [],
      },
      {
        level: 'ERROR',
        time: Date.UTC(2026, 7, 20, 7, 14, 4),
        message: 'Sync failed',
        stack: ['MongoServerError: bad auth : authentication failed', '    at Connection.onMessage (connection.js:1:1)'],
      },
      { level: 'FATAL', time: Date.UTC(2026, 7, 20, 7, 14, 5), message: 'Shutting down {now}', stack: [] },
      { level: 'ERROR', time: Date.UTC(2026, 7, 20, 7, 14, 7), message: 'spaces around colons', stack: [] },
    ]);
  });

  it('reads the level shapes of other loggers, ignores a key that only sits inside a string, counts a cut-off line', () => {
    const text = [
      '{"level":50,"time":1787210043512,"msg":"pino error","err":{"stack":"TypeError: x is undefined\\n    at f (a.js:1:1)"}}',
      '{"level":60,"time":1787210043512,"msg":"pino fatal"}',
      '{"level":30,"time":1787210043512,"msg":"pino info mentions \\"@l\\":\\"Error\\""}',
      '{"startTime":"2026-08-20T09:14:03.512","categoryName":"Runtime","data":["log4js json",{"code":7}],"level":{"levelStr":"ERROR"}}',
      '{"@t":"2026-08-20T07:14:02Z","@l":"Error","@m":"cut off because the line was too lo',
    ].join('\n');
    const { events } = parse(text);
    expect(events.map((event) => [event.level, event.message, event.stack[0]])).toEqual([
      ['ERROR', 'pino error', 'TypeError: x is undefined'],
      ['FATAL', 'pino fatal', undefined],
      ['ERROR', 'log4js json {"code":7}', undefined],
      ['ERROR', '{"@t":"2026-08-20T07:14:02Z","@l":"Error","@m":"cut off because the line was too lo', undefined],
    ]);
    expect(events[0]?.time).toBe(1787210043512);
    expect(events[2]?.time).toBe(local('2026-08-20T09:14:03.512'));
  });

  it('counts an error line that is JSON-shaped but does not parse, with its raw text', () => {
    const { events } = parse('{"@t":"2026-08-20T07:14:02Z","@l":"Error","@m":"broken" oops}\n');
    expect(events).toEqual([{ level: 'ERROR', time: undefined, message: '{"@t":"2026-08-20T07:14:02Z","@l":"Error","@m":"broken" oops}', stack: [] }]);
  });

  it('reads a mixed log: pattern events, JSON events and continuation lines in one stream', () => {
    const text = [
      `${RED}[2026-08-20T09:14:03.512] [ERROR] Runtime.SyncModule - Sync failed Error: boom`,
      '    at a (a.js:1:1)',
      '{"@t":"2026-08-20T07:14:04Z","@m":"json error","@l":"Error"}',
      '    at b (b.js:1:1)',
      `${GREEN}[2026-08-20T09:14:05.000] [INFO] Runtime - ok${RESET}`,
      '{"@t":"2026-08-20T07:14:06Z","@m":"json info"}',
      '    at c (c.js:1:1)',
      '',
    ].join('\n');
    const { events, parser } = parse(text);
    expect(parser.events).toBe(4);
    expect(events.map((event) => [event.message, event.stack])).toEqual([
      ['Sync failed Error: boom', ['    at a (a.js:1:1)']],
      ['json error', ['    at b (b.js:1:1)']],
    ]);
  });
});

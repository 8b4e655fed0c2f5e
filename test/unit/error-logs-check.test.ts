import { describe, expect, it } from 'vitest';
import type { ErrorLogsCheck } from '../../src/checks/error-logs/check.ts';
import type { ContainerLogReader, LogFileReader } from '../../src/checks/error-logs/scan.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { ContainerNotFoundError } from '../../src/integrations/docker/containers.ts';
import { LineSplitter } from '../../src/logs/lines.ts';
import type { StreamSinks } from '../../src/integrations/docker/logs.ts';
import type { LineSink, LogWindow } from '../../src/logs/lines.ts';
import { Redactor } from '../../src/logging/redact.ts';
import { distinctErrorLines, errorLogsCheckOver as errorLogsCheck } from '../support/builders.ts';
import { validCheck } from '../support/report-schema.ts';

// Local time, as the Connector writes it and the check reads it.
const NOW = new Date(2026, 7, 20, 12, 0, 0);

function stamp(minutesAgo: number): string {
  const time = new Date(NOW.getTime() - minutesAgo * 60_000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}.${pad(time.getMilliseconds(), 3)}`;
}

function line(level: string, minutesAgo: number, message: string): string {
  const colour = level === 'ERROR' ? 31 : level === 'FATAL' ? 35 : 32;
  return `\x1b[${colour}m[${stamp(minutesAgo)}] [${level}] Runtime.SyncModule - ${message} \x1b[39m`;
}

/** A log source holding the given text, or failing with the given error. */
class InMemoryLogs implements ContainerLogReader, LogFileReader {
  readonly windows: LogWindow[] = [];

  private readonly content: string | Error;

  constructor(content: string | Error) {
    this.content = content;
  }

  async read(_name: string | readonly string[], window: LogWindow, sinks: LineSink | StreamSinks, signal: AbortSignal) {
    this.windows.push(window);
    signal.throwIfAborted();
    if (this.content instanceof Error) throw this.content;
    const splitter = new LineSplitter('stdout' in sinks ? sinks.stdout : sinks);
    const bytes = Buffer.from(this.content);
    splitter.push(bytes);
    splitter.end();
    return { lines: splitter.lines, bytes: bytes.length, files: ['/var/log/enmeshed-connector/latest.log'] };
  }
}

const CONNECTOR: Connector = {
  name: 'connector-1',
  container: 'connector-1',
  apiKey: 'the-connector-api-key-123',
  apiKeyHeader: 'X-API-KEY',
  logFiles: [],
  source: 'config',
};

function run(check: ErrorLogsCheck, connector: Connector = CONNECTOR, signal = AbortSignal.timeout(5000)) {
  return check.run({ connector, signal, now: NOW });
}

const SYNC_FAILURES = [
  line('INFO', 300, 'GET /health 200 -- 3ms'),
  line('ERROR', 120, 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017'),
  '    at Connection.onError (connection.js:207:9)',
  line('ERROR', 60, 'Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.9:27017'),
  '    at Connection.onError (connection.js:207:9)',
  line('ERROR', 46, "Request to webhook 'https://hooks.example.com/x?apiKey=the-connector-api-key-123' returned status 502"),
  line('INFO', 1, 'GET /health 200 -- 3ms'),
].join('\n');

describe('ErrorLogsCheck', () => {
  it('applies to connectors with a container or log files', () => {
    const check = errorLogsCheck({ containerLogs: new InMemoryLogs(''), logFiles: new InMemoryLogs('') });
    expect(check.appliesTo(CONNECTOR)).toBe(true);
    expect(check.appliesTo({ ...CONNECTOR, container: undefined, logFiles: ['/var/log/x.log'] })).toBe(true);
    expect(check.appliesTo({ ...CONNECTOR, container: undefined })).toBe(false);
  });

  it('counts and groups the errors of the window, with a redacted sample', async () => {
    const containerLogs = new InMemoryLogs(SYNC_FAILURES);
    const result = await run(errorLogsCheck({ containerLogs, logFiles: new InMemoryLogs('') }));
    expect(result.status).toBe('warn');
    expect(result.summary).toBe(`3 errors in 24 h (2 groups), last ${stamp(46).slice(11, 16)}`);
    expect(result.details[0]).toEqual({
      label: 'Sync failed MongoNetworkError: connect ECONNREFUSED <ip>',
      value: `2× · first ${stamp(120).slice(11, 16)} · last ${stamp(60).slice(11, 16)} · the Connector lost its connection to MongoDB → check MongoDB (/connector database connector-1); the Connector reconnects once it answers · Sync failed MongoNetworkError: connect ECONNREFUSED 10.0.3.7:27017\n    at Connection.onError (connection.js:207:9)`,
      status: 'warn',
    });
    expect(result.details[1]?.label).toBe("Request to webhook '…' returned status <n>");
    expect(result.details[1]?.value).toContain("'https://hooks.example.com/x?apiKey=***' returned status 502");
    expect(result.details[1]?.value).toContain('a webhook target answered with an error status');
    expect(result.details[2]).toEqual({ label: 'container logs', value: expect.stringMatching(/^connector-1: 7 lines, 1 KB$/) });
    expect(JSON.stringify(result)).not.toContain('the-connector-api-key-123');
    expect(containerLogs.windows).toEqual([{ since: new Date(NOW.getTime() - 24 * 3_600_000), until: NOW }]);
  });

  it('carries every group as data: message, level, count, first and last seen as ISO times; the window and the totals', async () => {
    const logs = [SYNC_FAILURES, line('FATAL', 30, 'Out of memory')].join('\n');
    const result = validCheck(await run(errorLogsCheck({ containerLogs: new InMemoryLogs(logs), logFiles: new InMemoryLogs('') })));
    const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
    expect(result.data).toEqual({
      since: at(24 * 60),
      until: NOW.toISOString(),
      events: 4,
      fatal: 1,
      groups: [
        { message: 'Sync failed MongoNetworkError: connect ECONNREFUSED <ip>', level: 'error', count: 2, fatal: 0, firstSeen: at(120), lastSeen: at(60) },
        { message: 'Out of memory', level: 'fatal', count: 1, fatal: 1, firstSeen: at(30), lastSeen: at(30) },
        { message: "Request to webhook '…' returned status <n>", level: 'error', count: 1, fatal: 0, firstSeen: at(46), lastSeen: at(46) },
      ],
      otherEvents: 0,
    });
  });

  it('leaves out errors of log files older than the window by their own timestamp', async () => {
    const logs = [line('ERROR', 25 * 60, 'too old'), line('ERROR', 23 * 60, 'inside')].join('\n');
    const connector = { ...CONNECTOR, container: undefined, logFiles: ['/var/log/enmeshed-connector/latest.log'] };
    const check = errorLogsCheck({ containerLogs: new InMemoryLogs(''), logFiles: new InMemoryLogs(logs) });
    const result = await run(check, connector);
    expect(result.summary).toMatch(/^1 error in 24 h \(1 group\)/);
    expect(result.details[0]?.label).toBe('inside');
  });

  it('counts every error Docker returns for the window, though its zone-less time may read older', async () => {
    // The Connector logs in UTC, the bot runs two hours ahead (an operator's terminal in Berlin): an error of
    // ten minutes ago reads as 130 minutes ago. Docker's `since` already bounds the container's lines.
    const logs = line('ERROR', 130, 'Sync failed');
    const check = errorLogsCheck({ containerLogs: new InMemoryLogs(logs), logFiles: new InMemoryLogs('') }, { windowHours: 1 });
    const result = await run(check);
    expect(result.summary).toMatch(/^1 error in 1 h \(1 group\)/);
  });

  it('shows the window as the duration it is: days, and a date for a huge one, never "in 100000 h"', async () => {
    const logs = line('ERROR', 10, 'Sync failed');
    const summary = async (windowHours: number) =>
      (await run(errorLogsCheck({ containerLogs: new InMemoryLogs(logs), logFiles: new InMemoryLogs('') }, { windowHours }))).summary;
    expect(await summary(72)).toMatch(/^1 error in 3 d /);
    expect(await summary(30 * 24)).toMatch(/^1 error in 30 d /);
    const since = new Date(NOW.getTime() - 100_000 * 3_600_000).toISOString().slice(0, 10);
    expect(await summary(100_000)).toMatch(new RegExp(`^1 error since ${since} `));
  });

  it('honours the options: window and thresholds', async () => {
    const logs = Array.from({ length: 6 }, (_, i) => line('ERROR', 10 + i, `failure kind ${'abcdef'[i]}`)).join('\n');
    const check = errorLogsCheck(
      { containerLogs: new InMemoryLogs(logs), logFiles: new InMemoryLogs('') },
      { windowHours: 1, warnAt: 10, criticalAt: 5 },
    );
    const result = await run(check);
    expect(result.status).toBe('critical');
    expect(result.summary).toMatch(/^6 errors in 1 h \(6 groups\)/);
  });

  it('lists every group in its details, most errors first, however many there are; the summary stays one line', async () => {
    const { text, labels } = distinctErrorLines(300, new Date(NOW.getTime() - 10 * 60_000));
    const twice = line('ERROR', 5, 'failure kind zz');
    const check = errorLogsCheck({ containerLogs: new InMemoryLogs(`${text}${twice}\n${twice}\n`), logFiles: new InMemoryLogs('') });
    const result = await run(check);
    expect(result.summary).toMatch(/^302 errors in 24 h \(301 groups\), last /);
    const groups = result.details.filter((detail) => detail.label !== 'container logs');
    expect(groups).toHaveLength(301);
    expect(groups[0]).toMatchObject({ label: 'failure kind zz', value: expect.stringMatching(/^2×/) });
    expect(groups.map((detail) => detail.label).sort()).toEqual([...labels, 'failure kind zz'].sort());
  });

  it('is ok without errors and critical on a single FATAL', async () => {
    const quiet = await run(
      errorLogsCheck({ containerLogs: new InMemoryLogs(line('INFO', 5, 'fine')), logFiles: new InMemoryLogs('') }),
    );
    expect(quiet.status).toBe('ok');
    expect(quiet.summary).toBe('no errors in 24 h');

    const fatal = await run(
      errorLogsCheck({
        containerLogs: new InMemoryLogs(line('FATAL', 5, 'Could not connect to the configured database. Exiting...')),
        logFiles: new InMemoryLogs(''),
      }),
    );
    expect(fatal.status).toBe('critical');
    expect(fatal.summary).toMatch(/^1 error \(1 FATAL\) in 24 h \(1 group\), last /);
    expect(fatal.details[0]?.status).toBe('critical');
  });

  it('reads the container first and the log files second, and says what it read', async () => {
    const result = await run(
      errorLogsCheck({
        containerLogs: new InMemoryLogs(line('ERROR', 5, 'from docker')),
        logFiles: new InMemoryLogs(`${line('ERROR', 4, 'from a file')}\n${line('INFO', 3, 'fine')}\n`),
      }),
      { ...CONNECTOR, logFiles: ['/var/log/enmeshed-connector/*.log'] },
    );
    expect(result.summary).toMatch(/^2 errors in 24 h \(2 groups\)/);
    expect(result.details.slice(-2)).toEqual([
      { label: 'container logs', value: 'connector-1: 1 line, 1 KB' },
      { label: 'log files', value: '1 file (/var/log/enmeshed-connector/latest.log): 2 lines, 1 KB' },
    ]);
  });

  it('is unknown with the reason when the container does not exist or the engine is down', async () => {
    const missing = await run(
      errorLogsCheck({ containerLogs: new InMemoryLogs(new ContainerNotFoundError('connector-1')), logFiles: new InMemoryLogs('') }),
    );
    expect(missing.status).toBe('unknown');
    expect(missing.summary).toBe('could not read the logs: container logs unreadable: container "connector-1" not found');

    const engineDown = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', syscall: 'connect' });
    const down = await run(errorLogsCheck({ containerLogs: new InMemoryLogs(engineDown), logFiles: new InMemoryLogs('') }));
    expect(down.status).toBe('unknown');
    expect(down.summary).toContain('container engine unreachable');
    expect(down.details).toEqual([
      { label: 'container logs', value: expect.stringContaining('connector-1: unreadable: container engine unreachable'), status: 'unknown' },
    ]);
  });

  it('still reports the files when the container cannot be read, as unknown unless worse', async () => {
    const result = await run(
      errorLogsCheck({
        containerLogs: new InMemoryLogs(new ContainerNotFoundError('connector-1')),
        logFiles: new InMemoryLogs(line('ERROR', 4, 'from a file')),
      }),
      { ...CONNECTOR, logFiles: ['/var/log/enmeshed-connector/*.log'] },
    );
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/^1 error in 24 h \(1 group\), last \d\d:\d\d; container logs unreadable: container "connector-1" not found$/);

    const critical = await run(
      errorLogsCheck({
        containerLogs: new InMemoryLogs(new ContainerNotFoundError('connector-1')),
        logFiles: new InMemoryLogs(line('FATAL', 4, 'from a file')),
      }),
      { ...CONNECTOR, logFiles: ['/var/log/enmeshed-connector/*.log'] },
    );
    expect(critical.status).toBe('critical');
  });

  it('is unknown when the lines it read are in no layout it knows, rather than claiming no errors', async () => {
    const logs = ['2026-08-20 09:14:03 ERROR something in another layout', 'ts=2026-08-20T09:14:03Z level=error msg=boom'].join('\n');
    const result = await run(errorLogsCheck({ containerLogs: new InMemoryLogs(logs), logFiles: new InMemoryLogs('') }));
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('could not read the logs: container logs unreadable: no line in a known log layout (log4js pattern or JSON)');
    expect(result.details).toEqual([
      { label: 'container logs', value: 'connector-1: unreadable (after 2 lines): no line in a known log layout (log4js pattern or JSON)', status: 'unknown' },
    ]);
  });

  it('names a window under an hour in minutes and refuses options that make no sense', async () => {
    const check = errorLogsCheck({ containerLogs: new InMemoryLogs(line('ERROR', 5, 'recent')), logFiles: new InMemoryLogs('') }, { windowHours: 0.5 });
    expect((await run(check)).summary).toMatch(/^1 error in 30 min \(1 group\)/);
    expect(() => errorLogsCheck({ containerLogs: new InMemoryLogs(''), logFiles: new InMemoryLogs('') }, { windowHours: Number.NaN })).toThrow(
      /windowHours must be a positive number/,
    );
  });

  it('masks configured secrets given by the bot', async () => {
    const result = await run(
      errorLogsCheck({
        containerLogs: new InMemoryLogs(line('ERROR', 5, 'slack said no to token-value-from-config')),
        logFiles: new InMemoryLogs(''),
        redactor: new Redactor(['token-value-from-config']),
      }),
    );
    expect(result.details[0]?.value).toContain('slack said no to ***');
  });

  it('answers unknown when time is up, never throws', async () => {
    const result = await run(
      errorLogsCheck({ containerLogs: new InMemoryLogs(SYNC_FAILURES), logFiles: new InMemoryLogs('') }),
      CONNECTOR,
      AbortSignal.abort(),
    );
    expect(result.status).toBe('unknown');
    expect(result.summary).toMatch(/container logs unreadable: aborted/);
  });
});

import { engineUnreachable, isEngineUnreachable } from '../../integrations/docker/container-errors.ts';
import { ContainerNotFoundError } from '../../integrations/docker/containers.ts';
import type { StreamSinks } from '../../integrations/docker/logs.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import type { LogFilesReadStats } from '../../integrations/logfiles/log-files.ts';
import type { LineSink, LogReadStats, LogWindow } from '../../logs/lines.ts';
import type { ErrorEvent } from '../../logs/event.ts';
import { ErrorGrouper } from '../../logs/grouper.ts';
import type { GroupedErrors } from '../../logs/grouper.ts';
import { LogEventParser } from '../../logs/parser.ts';

/** Reads a container's log lines over a window (ContainerLogs in production). */
export interface ContainerLogReader {
  read(container: string, window: LogWindow, sinks: StreamSinks, signal: AbortSignal): Promise<LogReadStats>;
}

/** What was read from one source, or why it could not be read (`lines` then counts what was read before). */
export interface SourceOutcome {
  kind: 'container' | 'files';
  /** The container name, or the configured paths and globs. */
  name: string;
  lines: number;
  /** Log events of any level recognised in those lines. */
  events: number;
  bytes: number;
  files?: string[];
  failure?: string;
}

/** Reads log files given as paths or globs (LogFiles in production). */
export interface LogFileReader {
  read(patterns: readonly string[], window: LogWindow, sink: LineSink, signal: AbortSignal): Promise<LogFilesReadStats>;
}

export interface ScanReaders {
  containerLogs: ContainerLogReader;
  logFiles: LogFileReader;
}

/** One connector's logs to scan, as plain data: a scan in another thread is handed this. */
export interface ErrorLogScanRequest {
  /** The engine that runs the container (the check's own). */
  engine: string;
  container?: string;
  logFiles: readonly string[];
  /** The connector's own secrets (its API key), masked besides the configured ones. */
  connectorSecrets: readonly string[];
  /** The window, in ms since the epoch. */
  since: number;
  until?: number;
  maxGroups: number;
}

/** What a scan found, as plain data: each source's outcome and the errors of all, grouped. */
export interface ErrorLogScan {
  sources: SourceOutcome[];
  errors: GroupedErrors;
}

/** Local times run from UTC-12 to UTC+14: two zones' clocks differ by at most 26 hours. */
const MAX_ZONE_DIFFERENCE_MS = 26 * 3_600_000;

/**
 * Reads the connector's container logs first and its log files second, feeding every line through the parsers into
 * one grouper. Errors older than the window by their own timestamp are left out (a file holds older lines). Docker's
 * `since` already bounds the container's lines by the time Docker received them, and the Connector's zone-less
 * timestamps read hours off when the bot runs in another time zone: there only a time older than any zone
 * difference leaves an error out. A source that fails is recorded with its reason; the scan itself never throws.
 */
export async function scanErrorLogs(
  request: ErrorLogScanRequest,
  readers: ScanReaders,
  redact: (text: string) => string,
  signal: AbortSignal,
): Promise<ErrorLogScan> {
  const grouper = new ErrorGrouper(redact, request.maxGroups);
  const window: LogWindow = { since: new Date(request.since), ...(request.until !== undefined && { until: new Date(request.until) }) };
  const within = (from: number) => (event: ErrorEvent): void => {
    if (event.time === undefined || event.time >= from) grouper.add(event);
  };
  const sources: SourceOutcome[] = [];
  const { container, logFiles } = request;

  if (container) {
    sources.push(
      await readSource('container', container, within(request.since - MAX_ZONE_DIFFERENCE_MS), redact, async (newSink) => {
        const sinks = { stdout: newSink(), stderr: newSink() };
        const stats = await readers.containerLogs.read(container, window, sinks, signal);
        return { bytes: stats.bytes };
      }),
    );
  }
  if (logFiles.length > 0) {
    sources.push(
      await readSource('files', logFiles.join(', '), within(request.since), redact, async (newSink) => {
        const stats = await readers.logFiles.read(logFiles, window, newSink(), signal);
        return { bytes: stats.bytes, files: stats.files };
      }),
    );
  }
  return { sources, errors: grouper.findings() };
}

/**
 * Reads one source, handing it a fresh parser per stream it asks for (a container's stderr does
 * not continue an event on its stdout), and counting the lines as they pass.
 */
async function readSource(
  kind: SourceOutcome['kind'],
  name: string,
  onError: (event: ErrorEvent) => void,
  redact: (text: string) => string,
  read: (newSink: () => LineSink) => Promise<{ bytes: number; files?: string[] }>,
): Promise<SourceOutcome> {
  let lines = 0;
  const parsers: LogEventParser[] = [];
  const newSink = (): LineSink => {
    const parser = new LogEventParser(onError);
    parsers.push(parser);
    return {
      line(bytes, start, end) {
        lines++;
        parser.line(bytes, start, end);
      },
    };
  };
  const events = (): number => parsers.reduce((sum, parser) => sum + parser.events, 0);
  try {
    const { bytes, files } = await read(newSink);
    endAll(parsers);
    const outcome: SourceOutcome = { kind, name, lines, events: events(), bytes, ...(files && { files }) };
    // Lines of which none is a log event: another layout, or not the Connector's output at all.
    // "No errors" would then be a claim the check cannot make.
    if (outcome.lines > 0 && outcome.events === 0) outcome.failure = 'no line in a known log layout (log4js pattern or JSON)';
    return outcome;
  } catch (error) {
    endAll(parsers);
    return { kind, name, lines, events: events(), bytes: 0, failure: redact(failureOf(kind, error)) };
  }
}

/** The event each parser still holds is complete: the input has ended. */
function endAll(parsers: readonly LogEventParser[]): void {
  for (const parser of parsers) parser.end();
}

function failureOf(kind: SourceOutcome['kind'], error: unknown): string {
  if (error instanceof ContainerNotFoundError) return error.message;
  if (kind === 'container' && isEngineUnreachable(error)) return engineUnreachable(error);
  return describeFailure(error);
}

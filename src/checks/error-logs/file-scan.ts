import type { LogFilesReadStats } from '../../integrations/logfiles/log-files.ts';
import { Redactor } from '../../logging/redact.ts';
import { ErrorGrouper } from '../../logs/grouper.ts';
import type { GroupedErrors } from '../../logs/grouper.ts';
import type { LineSink, LogWindow } from '../../logs/lines.ts';
import { readSource } from './scan.ts';
import type { SourceOutcome } from './scan.ts';

/** Reads log files given as paths or globs (LogFiles in production). */
export interface LogFileReader {
  read(patterns: readonly string[], window: LogWindow, sink: LineSink, signal: AbortSignal): Promise<LogFilesReadStats>;
}

/** One connector's log files to scan: plain data, so that it can be handed to another thread. */
export interface FileScanRequest {
  patterns: readonly string[];
  /** The window, as ms since the epoch. */
  since: number;
  until?: number;
  maxGroups: number;
  /** The connector's own secrets (its API key), masked besides the configured ones. */
  connectorSecrets: readonly string[];
}

/** What a file scan found: the source's outcome and its errors, grouped. */
export interface FileScan {
  source: SourceOutcome;
  errors: GroupedErrors;
}

/**
 * Scans a connector's log files for errors. The bot scans them in a thread of their own (FileScanThread), so that
 * parsing megabytes of logs neither holds its event loop nor fills its heap; `connector-ops check` in its own.
 */
export interface LogFileScanner {
  scan(request: FileScanRequest, signal: AbortSignal): Promise<FileScan>;
}

/** The configured redaction, then the connector's own secrets. */
export function connectorRedaction(configured: Redactor | undefined, connectorSecrets: readonly string[]): (text: string) => string {
  const own = new Redactor(connectorSecrets);
  return configured ? (text) => own.redact(configured.redact(text)) : (text) => own.redact(text);
}

/** Reads the files and groups their errors within the window (a file holds older lines too); never throws. */
export async function scanLogFiles(reader: LogFileReader, configured: Redactor | undefined, request: FileScanRequest, signal: AbortSignal): Promise<FileScan> {
  const redact = connectorRedaction(configured, request.connectorSecrets);
  const grouper = new ErrorGrouper(redact, request.maxGroups);
  const window: LogWindow = { since: new Date(request.since), ...(request.until !== undefined && { until: new Date(request.until) }) };
  const source = await readSource(
    'files',
    request.patterns.join(', '),
    (event) => {
      if (event.time === undefined || event.time >= request.since) grouper.add(event);
    },
    redact,
    async (newSink) => {
      const stats = await reader.read(request.patterns, window, newSink(), signal);
      return { bytes: stats.bytes, files: stats.files };
    },
  );
  return { source, errors: grouper.findings() };
}

/** Scans in this thread: for `connector-ops check`, which has no chat to keep answering. */
export class LocalFileScanner implements LogFileScanner {
  private readonly reader: LogFileReader;
  private readonly redactor: Redactor | undefined;

  constructor(reader: LogFileReader, redactor?: Redactor) {
    this.reader = reader;
    this.redactor = redactor;
  }

  scan(request: FileScanRequest, signal: AbortSignal): Promise<FileScan> {
    return scanLogFiles(this.reader, this.redactor, request, signal);
  }
}

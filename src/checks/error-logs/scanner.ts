import type { DockerEngines } from '../../integrations/docker/engines.ts';
import { ContainerLogs } from '../../integrations/docker/logs.ts';
import { LogFiles } from '../../integrations/logfiles/log-files.ts';
import { Redactor } from '../../logging/redact.ts';
import { scanErrorLogs } from './scan.ts';
import type { ErrorLogScan, ErrorLogScanRequest, ScanReaders } from './scan.ts';

/**
 * Scans a connector's logs for errors. The bot scans in a thread of its own (LogScanThread), so that parsing
 * megabytes of logs neither holds its event loop nor fills its heap; `connector-ops check` scans in its own.
 */
export interface ErrorLogScanner {
  scan(request: ErrorLogScanRequest, signal: AbortSignal): Promise<ErrorLogScan>;
}

/** The configured redaction, then the connector's own secrets. */
export function connectorRedaction(configured: Redactor | undefined, connectorSecrets: readonly string[]): (text: string) => string {
  const own = new Redactor(connectorSecrets);
  return configured ? (text) => own.redact(configured.redact(text)) : (text) => own.redact(text);
}

/** Scans in this thread, through each engine's readers. */
export class LocalLogScanner implements ErrorLogScanner {
  private readonly readersOf: (engine: string) => ScanReaders;
  private readonly redactor: Redactor | undefined;

  constructor(readersOf: (engine: string) => ScanReaders, redactor?: Redactor) {
    this.readersOf = readersOf;
    this.redactor = redactor;
  }

  scan(request: ErrorLogScanRequest, signal: AbortSignal): Promise<ErrorLogScan> {
    return scanErrorLogs(request, this.readersOf(request.engine), connectorRedaction(this.redactor, request.connectorSecrets), signal);
  }
}

/** Scans in this thread, through these engines' log streams and the files of this host. */
export function engineLogScanner(engines: DockerEngines, redactor: Redactor): ErrorLogScanner {
  const logFiles = new LogFiles();
  return new LocalLogScanner((name) => ({ containerLogs: new ContainerLogs(engines.get(name).client), logFiles }), redactor);
}

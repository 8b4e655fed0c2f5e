import type { CheckResult } from '../../domain/check-result.ts';
import { checkResult } from '../../domain/check-result.ts';
import type { Connector } from '../../domain/connector.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import type { Redactor } from '../../logging/redact.ts';
import type { Check, CheckContext } from '../check.ts';
import { DEFAULT_ERROR_LOGS_OPTIONS, errorLogsResult } from './report.ts';
import type { ErrorLogsOptions } from './report.ts';
import { scanErrorLogs } from './scan.ts';
import type { ContainerLogReader } from './scan.ts';
import { connectorRedaction } from './file-scan.ts';
import type { LogFileScanner } from './file-scan.ts';

export interface ErrorLogsDeps {
  /** `new ContainerLogs(docker)` in production. */
  containerLogs: ContainerLogReader;
  /** A FileScanThread in the bot, a LocalFileScanner over LogFiles in `connector-ops check`. */
  logFiles: LogFileScanner;
  /** The bot's redactor with its configured secrets; the connector's API key is masked in any case. */
  redactor?: Redactor;
}

/**
 * error-logs: ERROR and FATAL events of the last `windowHours` in the connector's container logs and
 * log files, grouped by normalised message. Reads everything as a stream, so memory stays flat
 * however large the logs are; the time it takes grows with them, so give it a generous timeout.
 */
export class ErrorLogsCheck implements Check {
  readonly id = 'error-logs' as const;
  private readonly deps: ErrorLogsDeps;
  private readonly options: ErrorLogsOptions;

  constructor(deps: ErrorLogsDeps, options: Partial<ErrorLogsOptions> = {}) {
    this.deps = deps;
    this.options = { ...DEFAULT_ERROR_LOGS_OPTIONS, ...options };
    for (const [name, value] of Object.entries(this.options)) {
      if (!Number.isFinite(value) || value <= 0) throw new RangeError(`error-logs: ${name} must be a positive number, got ${value}`);
    }
  }

  readonly needs = 'a container or log files: set CONNECTOR_CONTAINER or CONNECTOR_LOG_FILES (or container, logFiles in the YAML file)';

  appliesTo(connector: Connector): boolean {
    return connector.container !== undefined || connector.logFiles.length > 0;
  }

  async run({ connector, signal, now, logWindowMs }: CheckContext): Promise<CheckResult> {
    try {
      // `--since` in chat overrides the configured window for this one run.
      const options = logWindowMs ? { ...this.options, windowHours: logWindowMs / 3_600_000 } : this.options;
      const window = { since: new Date(now.getTime() - options.windowHours * 3_600_000), until: now };
      const scan = await scanErrorLogs(
        connector,
        this.deps,
        window,
        { maxGroups: this.options.maxGroups, redact: connectorRedaction(this.deps.redactor, connector.apiKey ? [connector.apiKey] : []) },
        signal,
      );
      return errorLogsResult(scan, options, now, connector.name);
    } catch (error) {
      // scanErrorLogs records failures per source; this is the last guard of "a check never throws".
      return checkResult('error-logs', 'unknown', `could not scan the logs: ${describeFailure(error)}`);
    }
  }
}

import type { CheckResult } from '../../domain/check-result.ts';
import { checkResult } from '../../domain/check-result.ts';
import type { Connector } from '../../domain/connector.ts';
import { describeFailure } from '../../integrations/http/timeout.ts';
import type { Check, CheckContext } from '../check.ts';
import { DEFAULT_ERROR_LOGS_OPTIONS, errorLogsResult } from './report.ts';
import type { ErrorLogsOptions } from './report.ts';
import type { ErrorLogScanner } from './scanner.ts';

export interface ErrorLogsDeps {
  /** A LogScanThread in the bot, a LocalLogScanner in `connector-ops check`; it masks the configured secrets. */
  scanner: ErrorLogScanner;
  /** The engine this check's connectors run on: the scanner reads their containers' logs there. */
  engine: string;
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
      const scan = await this.deps.scanner.scan(
        {
          engine: this.deps.engine,
          ...(connector.container && { container: connector.container }),
          logFiles: connector.logFiles,
          connectorSecrets: connector.apiKey ? [connector.apiKey] : [],
          since: now.getTime() - options.windowHours * 3_600_000,
          until: now.getTime(),
          maxGroups: this.options.maxGroups,
        },
        signal,
      );
      return errorLogsResult(scan, options, now, connector.name);
    } catch (error) {
      // The scan records failures per source; this is the last guard of "a check never throws".
      return checkResult('error-logs', 'unknown', `could not scan the logs: ${describeFailure(error)}`);
    }
  }
}

import { renderText } from './chat/text/render.ts';
import { EXIT_USAGE } from './cli-usage.ts';
import type { Config } from './config/config.ts';
import { CHECK_IDS, isCheckId, type CheckId } from './domain/check-result.ts';
import { selectConnectors } from './domain/connector-selection.ts';
import { parseSince } from './domain/duration.ts';
import { inert, inertJson } from './domain/inert.ts';
import { reportMessage } from './domain/report-message.ts';
import { exitCodeFor } from './domain/status.ts';
import { createLogger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { createCheckServices } from './root-checking.ts';

/** `connector-ops check`: the checks run once and the report printed (text, or JSON); the exit code is its status. */
export async function runCheck(args: string[], config: Config, redactor: Redactor): Promise<number> {
  const names: string[] = [];
  let only: CheckId[] | undefined;
  let json = false;
  let details = false;
  let sinceMs: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--details') details = true;
    else if (arg === '--since' || arg.startsWith('--since=')) {
      const value = arg.includes('=') ? arg.slice('--since='.length) : args[++i];
      if (value === undefined || value.startsWith('--')) {
        process.stderr.write('connector-ops check: "--since" needs a value: <24h|30m|7d>.\n');
        return EXIT_USAGE;
      }
      const since = parseSince(value);
      if ('problem' in since) {
        process.stderr.write(`connector-ops check: ${since.problem}\n`);
        return EXIT_USAGE;
      }
      sinceMs = since.ms;
    } else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice('--only='.length) : args[++i];
      const ids = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const bad = ids.filter((id) => !isCheckId(id));
      if (ids.length === 0 || bad.length > 0) {
        process.stderr.write(`connector-ops check: --only ${bad.length > 0 ? `has unknown check ids ${bad.join(', ')}` : 'needs check ids'}; valid ids: ${CHECK_IDS.join(', ')}.\n`);
        return EXIT_USAGE;
      }
      only = ids as CheckId[];
    } else if (arg.startsWith('-')) {
      process.stderr.write(`connector-ops check: unknown option "${arg}". Valid options: --only <ids>, --since <24h|30m|7d>, --details, --json.\n`);
      return EXIT_USAGE;
    } else names.push(arg);
  }

  const logger = createLogger({ level: config.log.level === 'info' ? 'warn' : config.log.level, redactor, pretty: false, destination: 'stderr' });
  const services = createCheckServices(config, logger, redactor);
  try {
    const { connectors, problem } = await services.directory.list();
    // The same rule and words as the chat verbs; a name that matches nothing is a usage error, nothing to check is unknown.
    const selection = selectConnectors(connectors, names, problem);
    if (!selection.ok) {
      process.stderr.write(`connector-ops check: ${redactor.redact(inert(selection.problem))}\n`);
      return selection.reason === 'unknown' ? EXIT_USAGE : 3;
    }
    const checks = only ?? CHECK_IDS;
    // The report says it too (a detail of the resources check); here it reaches a cron job's mail without --details.
    if (services.samplesLeftOut && checks.includes('resources')) {
      process.stderr.write(`connector-ops check: left out: the disk samples and the disk-full forecast made from them: ${redactor.redact(services.samplesLeftOut)}\n`);
    }
    const report = await services.runner.run(selection.connectors, checks, sinceMs === undefined ? {} : { logWindowMs: sinceMs });
    const output = json
      ? inertJson(redactor.redactDeep(report), 2)
      : redactor.redact(renderText(reportMessage(report, { title: 'connector-ops check', details })).text);
    process.stdout.write(`${output}\n`);
    return exitCodeFor(report.status);
  } finally {
    services.close();
  }
}

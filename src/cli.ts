#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { renderText } from './chat/text/render.ts';
import type { Config } from './config/config.ts';
import { ConfigError } from './config/errors.ts';
import { loadConfig, withDotEnv } from './config/load.ts';
import { CHECK_IDS, isCheckId, type CheckId } from './domain/check-result.ts';
import { selectConnectors } from './domain/connector-selection.ts';
import { inert, inertJson } from './domain/inert.ts';
import { parseSince } from './domain/duration.ts';
import { reportMessage } from './domain/report-message.ts';
import { exitCodeFor } from './domain/status.ts';
import { createLogger } from './logging/logger.ts';
import { Redactor } from './logging/redact.ts';
import { AUDIT_HELP, runAudit } from './cli-audit.ts';
import { runBot, stdinCarriesInput } from './main.ts';
import { createCheckServices } from './root-checking.ts';

const EXIT_USAGE = 64;

const HELP = `connector-ops: operate enmeshed Connectors from Slack, Microsoft Teams and the terminal

Usage:
  connector-ops [start]                 run the bot: HTTP server (/healthz, /readyz, /metrics) and chat;
                                        the console chat when no chat platform is configured
  connector-ops console                 the terminal chat only (also reads commands from a pipe)
  connector-ops check [connector...] [--only <ids>] [--since <24h|30m|7d>] [--details] [--json]
                                        run the checks once and print the report
${AUDIT_HELP}
  connector-ops --help | --version

check:
  --only <ids>   comma-separated check ids: ${CHECK_IDS.join(', ')}
  --since <dur>  how far back the error-logs check reads (as /connector logs --since; at most 30d)
  --details      every detail of every check, not only the summary line of each
  --json         the report as JSON (always with every detail; schema: schemas/report.schema.json):
                 {"status","generatedAt","connectors":[{"name","status","checks":[{"id","status","summary","details","findings","data"}],"notChecked"}]}
  exit code      0 ok, 1 warn, 2 critical, 3 unknown (and nothing worse)

Configuration comes from the environment and .env; see .env.example and the README.
Invalid configuration stops with exit code 2 and names the variable.`;

export async function main(argv: string[]): Promise<number> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  if (!['start', 'console', 'check', 'audit'].includes(command)) {
    process.stderr.write(`connector-ops: unknown command "${command}". Valid commands: start, console, check, audit.\nRun "connector-ops --help" for usage.\n`);
    return EXIT_USAGE;
  }

  let config: Config;
  let env: Record<string, string | undefined>;
  try {
    env = withDotEnv(process.env);
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`connector-ops: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const redactor = new Redactor(config.secrets);

  if (command === 'audit') {
    return runAudit(rest, config, redactor).catch((error: unknown) => {
      process.stderr.write(`connector-ops audit: cannot run: ${failureText(error, redactor)}\n`);
      return 1;
    });
  }
  if (command === 'check') {
    // Exit 1 would read as "warn" to a monitoring system: a check that could not run is unknown.
    return runCheck(rest, config, redactor).catch((error: unknown) => {
      process.stderr.write(`connector-ops check: cannot run: ${failureText(error, redactor)}\n`);
      return 3;
    });
  }
  if (rest.length > 0) {
    process.stderr.write(`connector-ops ${command}: unexpected arguments ${rest.join(' ')}.\nRun "connector-ops --help" for usage.\n`);
    return EXIT_USAGE;
  }
  const consoleOnly = command === 'console';
  // With the console on the terminal, logs go to stderr so they do not tear up the conversation.
  const consoleActive = consoleOnly || (!config.slack && stdinCarriesInput(process.stdin));
  const logTarget = consoleActive ? process.stderr : process.stdout;
  // A person at the console prompt sees warnings only, unless they asked for a level.
  const interactive = consoleActive && process.stdin.isTTY === true;
  const logger = createLogger({
    level: interactive && !env.LOG_LEVEL ? 'warn' : config.log.level,
    redactor,
    pretty: config.log.format === 'pretty' || (config.log.format === 'auto' && logTarget.isTTY === true),
    destination: consoleActive ? 'stderr' : 'stdout',
  });
  await runBot({
    config,
    logger,
    redactor,
    io: { stdin: process.stdin, stdout: process.stdout },
    console: consoleOnly ? 'always' : 'auto',
    http: !consoleOnly,
  });
  return 0;
}

async function runCheck(args: string[], config: Config, redactor: Redactor): Promise<number> {
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

/** A failure of the host (a port taken, a directory not writable) is told by its message; a bug keeps its stack. */
function failureText(error: unknown, redactor: Redactor): string {
  if (!(error instanceof Error)) return redactor.redact(String(error));
  const systemError = typeof (error as NodeJS.ErrnoException).code === 'string';
  return redactor.redact(systemError ? error.message : (error.stack ?? error.message));
}

function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`connector-ops: ${failureText(error, new Redactor())}\n`);
    process.exitCode = 1;
  },
);


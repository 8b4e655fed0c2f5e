#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { EXIT_USAGE, HELP } from './cli-usage.ts';
import type { Config } from './config/config.ts';
import { ConfigError } from './config/errors.ts';
import { Redactor } from './logging/redact.ts';

// Builtins and texts only at the top: `--help` and `--version` answer at once. A command imports what it runs
// (Docker, MongoDB, the chat SDKs, the configuration) when it runs.

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
  if (command !== 'start' && command !== 'console' && command !== 'check' && command !== 'audit') {
    process.stderr.write(`connector-ops: unknown command "${command}". Valid commands: start, console, check, audit.\nRun "connector-ops --help" for usage.\n`);
    return EXIT_USAGE;
  }

  const { loadConfig, withDotEnv } = await import('./config/load.ts');
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
    const { runAudit } = await import('./cli-audit.ts');
    return runAudit(rest, config, redactor).catch((error: unknown) => {
      process.stderr.write(`connector-ops audit: cannot run: ${failureText(error, redactor)}\n`);
      return 1;
    });
  }
  if (command === 'check') {
    const { runCheck } = await import('./cli-check.ts');
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
  const { runStart } = await import('./cli-start.ts');
  await runStart(command, config, env, redactor);
  return 0;
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


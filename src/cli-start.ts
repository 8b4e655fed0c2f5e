import type { Config } from './config/config.ts';
import { createLogger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { runBot, stdinCarriesInput } from './main.ts';

/** `connector-ops start` and `connector-ops console`: the bot, its logs on stderr when the console has the terminal. */
export async function runStart(command: 'start' | 'console', config: Config, env: Record<string, string | undefined>, redactor: Redactor): Promise<void> {
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
}

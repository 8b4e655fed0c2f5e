import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Config } from './config.ts';
import { ConfigError } from './errors.ts';
import { readAccess, readOperations } from './sections/access.ts';
import { readBot } from './sections/bot.ts';
import { readChecks } from './sections/checks.ts';
import { readConnectors } from './sections/connectors.ts';
import { readEngines } from './sections/engines.ts';
import { readRegistries } from './sections/registries.ts';
import { readReports } from './sections/reports.ts';
import { readSlack } from './sections/slack.ts';
import { readTeams } from './sections/teams.ts';
import { Sources, type Env } from './sources.ts';

/**
 * Reads `.env` from the working directory (values already in the environment win), as Docker Compose
 * and most twelve-factor tools do.
 */
export function withDotEnv(env: Env, cwd = process.cwd()): Env {
  const path = resolve(cwd, '.env');
  if (!existsSync(path)) return env;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // e.g. a .env readable by root only, with the bot running as its own user.
    throw new ConfigError([`.env file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return { ...parseEnv(text), ...env };
}

/** Validates the environment (and the YAML file it names) into one typed Config, or throws ConfigError with every problem. */
export function loadConfig(env: Env): Config {
  const sources = new Sources(env);
  const configured = readConnectors(sources);
  const bot = readBot(sources);
  const config: Config = {
    ...bot,
    connectors: configured.map((c) => c.connector),
    engines: readEngines(sources, configured),
    checks: readChecks(sources),
    registries: readRegistries(sources),
    access: readAccess(sources),
    operations: readOperations(sources, bot.dataDir),
    ...readReports(sources),
    ...optional('slack', readSlack(sources)),
    ...optional('teams', readTeams(sources)),
    secrets: sources.secrets,
  };
  sources.file?.refuseUnread(sources.problems);
  if (sources.problems.length > 0) throw new ConfigError(sources.problems);
  return config;
}

/** `{ key: value }` when there is a value: Config's optional sections are absent, never undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

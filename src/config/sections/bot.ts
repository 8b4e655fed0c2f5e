import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { SETTINGS } from '../settings.ts';
import type { Env, Sources } from '../sources.ts';

/** The bot's own settings: its store, its HTTP server, its logs. */
export function readBot(sources: Sources): Pick<Config, 'dataDir' | 'http' | 'log'> {
  return {
    dataDir: resolve(sources.read(SETTINGS.DATA_DIR) ?? stateDirectory(sources.env)),
    http: { host: sources.read(SETTINGS.HTTP_HOST), port: sources.read(SETTINGS.HTTP_PORT) },
    log: { level: sources.read(SETTINGS.LOG_LEVEL), format: sources.read(SETTINGS.LOG_FORMAT) },
  };
}

/**
 * The user's state directory, as the XDG base directory specification has it: `$XDG_STATE_HOME/connector-ops`
 * (a relative XDG_STATE_HOME is to be ignored), else `~/.local/state/connector-ops`. Never the working directory:
 * a cron job's `check` would leave a store wherever it ran.
 */
export function stateDirectory(env: Env): string {
  const xdg = env.XDG_STATE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'connector-ops');
  return join(env.HOME || homedir(), '.local', 'state', 'connector-ops');
}

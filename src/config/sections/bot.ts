import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { SETTINGS } from '../settings.ts';
import type { Sources } from '../sources.ts';

/** The bot's own settings: its store, its HTTP server, its logs. */
export function readBot(sources: Sources): Pick<Config, 'dataDir' | 'http' | 'log'> {
  return {
    dataDir: resolve(sources.read(SETTINGS.DATA_DIR)),
    http: { host: sources.read(SETTINGS.HTTP_HOST), port: sources.read(SETTINGS.HTTP_PORT) },
    log: { level: sources.read(SETTINGS.LOG_LEVEL), format: sources.read(SETTINGS.LOG_FORMAT) },
  };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Takes DOCKER_HOST (and the other settings) from the test environment's env file when the shell
 * has not set them, so `npm run bench` finds the engine that `npm run testenv:start` runs.
 */
export function loadTestEnvironment(): void {
  const file = join(process.env.TESTENV_DIR ?? '/tmp/connector-ops-testenv', 'env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined || process.env[match[1]]) continue;
    process.env[match[1]] = match[2].trim().replace(/^(['"])(.*)\1$/, '$2');
  }
}

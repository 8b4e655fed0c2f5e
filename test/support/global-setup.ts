import { loadTestEnv, type TestDockerEngine } from './requirements.ts';
import { RUN_LABEL, removeTestContainers, testRunId } from './standin.ts';

/**
 * vitest globalSetup: makes the test environment's settings ($TESTENV_DIR/env, written by
 * `scripts/testenv.sh start`) visible to every test file, and removes the test containers
 * left behind when the run ends. Works without Docker: there is then nothing to remove.
 */
export function setup(): () => Promise<void> {
  loadTestEnv();
  // Test workers inherit the environment: their containers carry this run's id.
  process.env.CONNECTOR_OPS_TEST_RUN ??= testRunId();
  const run = process.env.CONNECTOR_OPS_TEST_RUN;
  return async () => {
    // The engine-facing tests run on Docker and on Podman (when testenv started it).
    const engines: TestDockerEngine[] = process.env.TEST_PODMAN_HOST ? ['first', 'podman'] : ['first'];
    for (const engine of engines) {
      try {
        // This run's containers and leftovers of runs whose process has gone, but never what a
        // run going on beside this one still uses (developers share one engine).
        await removeTestContainers((container) => {
          const owner = container.Labels[RUN_LABEL];
          if (owner === undefined) return container.State !== 'running';
          return owner === run || !processAlive(owner);
        }, engine);
      } catch (error) {
        // No engine (a laptop without Docker): nothing was started, nothing to remove.
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ECONNREFUSED') {
          console.warn(`test teardown could not remove test containers on the ${engine} engine: ${String(error)}`);
        }
      }
    }
  };
}

function processAlive(runId: string): boolean {
  const pid = Number(runId);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { ConnectorDirectory, ReportRunner } from '../../src/domain/ports.ts';
import { report } from '../../src/domain/report.ts';
import { ResourceSampler } from '../../src/scheduler/resource-sampler.ts';

const connector: Connector = { name: 'main', container: 'c', apiKeyHeader: 'X-API-KEY', logFiles: [], source: 'config' };

function directoryOf(connectors: Connector[]): ConnectorDirectory {
  return { list: async () => ({ connectors }) };
}

function recordingRunner(delayMs = 0, fail = false) {
  const calls: CheckId[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const runner: ReportRunner = {
    async run(_connectors, checks) {
      calls.push([...checks]);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      if (fail) throw new Error('engine gone');
      return report([]);
    },
  };
  return { runner, calls, maxInFlight: () => maxInFlight };
}

describe('ResourceSampler', () => {
  it('runs only the resources check, at start and then on its interval', async () => {
    const { runner, calls } = recordingRunner();
    const sampler = new ResourceSampler({ directory: directoryOf([connector]), runner, logger: pino({ level: 'silent' }), intervalMs: 30 });
    sampler.start();
    await new Promise((r) => setTimeout(r, 100));
    await sampler.stop();
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.every((c) => c.length === 1 && c[0] === 'resources')).toBe(true);
  });

  it('never runs two samples at once, and stop() waits for the one in progress', async () => {
    const slow = recordingRunner(80);
    const sampler = new ResourceSampler({ directory: directoryOf([connector]), runner: slow.runner, logger: pino({ level: 'silent' }), intervalMs: 10 });
    sampler.start();
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await sampler.stop();
    expect(performance.now() - started).toBeGreaterThan(10);
    expect(slow.maxInFlight()).toBe(1);
  });

  it('skips when there are no connectors and survives a failing runner', async () => {
    const none = recordingRunner();
    await new ResourceSampler({ directory: directoryOf([]), runner: none.runner, logger: pino({ level: 'silent' }) }).sampleOnce();
    expect(none.calls).toHaveLength(0);
    const failing = recordingRunner(0, true);
    await expect(
      new ResourceSampler({ directory: directoryOf([connector]), runner: failing.runner, logger: pino({ level: 'silent' }) }).sampleOnce(),
    ).resolves.toBeUndefined();
    expect(failing.calls).toHaveLength(1);
  });
});

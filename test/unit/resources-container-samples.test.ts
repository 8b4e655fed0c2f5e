import { describe, expect, it } from 'vitest';
import { containerSample } from '../../src/checks/resources-container-samples.ts';
import { SharedReadings } from '../../src/checks/shared-readings.ts';
import type { ContainerResources } from '../../src/integrations/docker/container-stats.ts';
import { aConnector } from '../support/builders.ts';

/** A container-stats port in memory: answers after a tick, fails for the containers named, counts the asks. */
function statsSource(failing: string[] = []) {
  const asked: string[] = [];
  let failed: () => void = () => undefined;
  return {
    asked,
    /** Resolves when a failing container's answer has been given: the rejection has happened. */
    failure: new Promise<void>((resolve) => (failed = resolve)),
    containerResources: async (container: string): Promise<ContainerResources> => {
      asked.push(container);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (failing.includes(container)) {
        failed();
        throw new Error(`no such container: ${container}`);
      }
      return { state: 'running', cpu: { percent: 1 }, memory: { usedBytes: 1, limitBytes: 2 } } as unknown as ContainerResources;
    },
  };
}

describe('container samples within one report', () => {
  const connectors = [aConnector('a', { container: 'ca' }), aConnector('b', { container: 'cb' }), aConnector('c', { container: 'cc', engine: 'second' }), aConnector('d', { container: 'cd' })];

  it("asks an engine for all the report's containers on it at once, each once, and another engine for its own", async () => {
    const source = statsSource();
    const shared = new SharedReadings(connectors);
    const signal = AbortSignal.timeout(1_000);
    const [a, d] = await Promise.all([containerSample(source, 'ca', 'default', { signal, shared, timeoutMs: 500 }), containerSample(source, 'cd', 'default', { signal, shared, timeoutMs: 500 })]);
    expect([a.ok, d.ok]).toEqual([true, true]);
    expect(source.asked.sort()).toEqual(['ca', 'cb', 'cd']);
    await containerSample(source, 'cb', 'default', { signal, shared, timeoutMs: 500 });
    await containerSample(source, 'cc', 'second', { signal, shared, timeoutMs: 500 });
    expect(source.asked.sort()).toEqual(['ca', 'cb', 'cc', 'cd']);
  });

  it('keeps one failed sample to its own connector, and leaves no rejection unhandled', async () => {
    const source = statsSource(['cb']);
    const shared = new SharedReadings(connectors);
    const signal = AbortSignal.timeout(1_000);
    const a = await containerSample(source, 'ca', 'default', { signal, shared, timeoutMs: 500 });
    // cb's sample failed before its connector's turn, and a turn of the event loop passed: Node has looked for
    // unhandled rejections since (the run would fail with one).
    await source.failure;
    await new Promise((resolve) => setImmediate(resolve));
    const b = await containerSample(source, 'cb', 'default', { signal, shared, timeoutMs: 500 });
    expect(a.ok).toBe(true);
    expect(b).toEqual({ ok: false, reason: expect.stringContaining('no such container: cb') });
  });
});

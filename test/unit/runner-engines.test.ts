import { describe, expect, it } from 'vitest';
import type { Check, CheckContext } from '../../src/checks/check.ts';
import { CheckRunner } from '../../src/checks/runner.ts';
import { readOnce } from '../../src/checks/shared-readings.ts';
import { checkResult, type CheckId } from '../../src/domain/check-result.ts';
import type { Connector } from '../../src/domain/connector.ts';
import { reportMessage } from '../../src/domain/report-message.ts';
import { renderText } from '../../src/chat/text/render.ts';
import { aConnector } from '../support/builders.ts';
import { validReport } from '../support/report-schema.ts';

/** A check that says which engine's set it belongs to, and counts the host readings it really made. */
class EngineCheck implements Check {
  readonly id: CheckId;
  readonly needs = 'a container: set CONNECTOR_CONTAINER';
  readings = 0;
  private readonly engine: string;

  constructor(id: CheckId, engine: string) {
    this.id = id;
    this.engine = engine;
  }

  appliesTo(connector: Connector): boolean {
    return this.id !== 'container' || connector.container !== undefined;
  }

  async run({ connector, shared }: CheckContext) {
    const info = await readOnce(shared, `engine-info:${connector.engine}`, async () => {
      this.readings++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `engine ${this.engine}`;
    });
    return checkResult(this.id, 'ok', `${connector.name} via ${info}`);
  }
}

describe('CheckRunner with a check set per engine', () => {
  const sets = { default: [new EngineCheck('versions', 'default')], second: [new EngineCheck('versions', 'second')] };
  const runner = new CheckRunner((connector) => sets[(connector.engine ?? 'default') as keyof typeof sets], { timeoutMs: 1_000, concurrency: 4 });

  it('runs each connector\'s checks from its own engine\'s set, and reads host facts once per engine per report', async () => {
    const connectors = [
      aConnector('a', { engine: 'default' }),
      aConnector('b', { engine: 'second' }),
      aConnector('c', { engine: 'second' }),
      aConnector('d', { engine: 'default' }),
    ];
    const report = validReport(await runner.run(connectors, ['versions']));
    expect(report.connectors.map((c) => c.checks[0]!.summary)).toEqual([
      'a via engine default',
      'b via engine second',
      'c via engine second',
      'd via engine default',
    ]);
    expect(sets.default[0]!.readings).toBe(1);
    expect(sets.second[0]!.readings).toBe(1);
    // A new report reads again.
    validReport(await runner.run(connectors, ['versions']));
    expect(sets.default[0]!.readings).toBe(2);
  });
});

describe('a check that applies to nothing', () => {
  const runner = new CheckRunner([new EngineCheck('container', 'default'), new EngineCheck('versions', 'default')], { timeoutMs: 1_000, concurrency: 1 });

  it('is reported as not checked with the setting that enables it; nothing checked at all is unknown, not an empty ok', async () => {
    const only = validReport(await runner.run([aConnector('plain')], ['container']));
    expect(only.connectors[0]).toEqual({
      name: 'plain',
      status: 'unknown',
      checks: [],
      notChecked: [{ id: 'container', needs: 'a container: set CONNECTOR_CONTAINER' }],
    });
    expect(only.status).toBe('unknown');
    const text = renderText(reportMessage(only, { title: 'Container', details: false })).text;
    expect(text).toContain('not checked: it needs a container: set CONNECTOR_CONTAINER.');
    expect(text).not.toContain('[ ok ]');
  });

  it('beside checks that ran, the connector keeps their status and lists what was not checked', async () => {
    const mixed = validReport(await runner.run([aConnector('plain')], ['container', 'versions']));
    expect(mixed.connectors[0]!.status).toBe('ok');
    expect(mixed.connectors[0]!.notChecked).toEqual([{ id: 'container', needs: 'a container: set CONNECTOR_CONTAINER' }]);
    const applies = validReport(await runner.run([aConnector('full', { container: 'c' })], ['container']));
    expect(applies.connectors[0]!.notChecked).toBeUndefined();
  });
});

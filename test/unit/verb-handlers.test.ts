import { describe, expect, it } from 'vitest';
import { checkResult, type CheckId } from '../../src/domain/check-result.ts';
import { parseCommand } from '../../src/domain/command.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { ConnectorDirectory, ReportRunner, RunOptions } from '../../src/domain/ports.ts';
import { connectorReport, report, type Report } from '../../src/domain/report.ts';
import type { CheckStatus } from '../../src/domain/status.ts';
import { VERBS } from '../../src/domain/verbs.ts';
import { aConnector, allText, buttonsOf as buttons, staticDirectory, testDispatcher } from '../support/builders.ts';

const connector = aConnector;

interface RunCall {
  connectors: string[];
  checks: readonly CheckId[];
  options?: RunOptions;
}

/** Answers every check with the given status; records what it was asked. */
class RecordingRunner implements ReportRunner {
  readonly calls: RunCall[] = [];

  private readonly status: CheckStatus;

  constructor(status: CheckStatus = 'ok') {
    this.status = status;
  }

  async run(connectors: Connector[], checks: readonly CheckId[], options?: RunOptions): Promise<Report> {
    this.calls.push({ connectors: connectors.map((c) => c.name), checks, options });
    return report(
      connectors.map((c) =>
        connectorReport(
          c.name,
          checks.map((id) => checkResult(id, this.status, `${id} is ${this.status}`, [{ label: 'detail', value: `${id} detail` }])),
        ),
      ),
      new Date('2024-05-01T12:00:00Z'),
    );
  }
}

class ThrowingRunner implements ReportRunner {
  async run(): Promise<Report> {
    throw new Error('database exploded');
  }
}

const MAIN = connector('main', { container: 'connector-main', url: 'http://127.0.0.1:8080' });
const OTHER = connector('other', { container: 'connector-other', source: 'discovered' });

describe('verb handlers, through the request path', () => {
  it('answers help with every verb', async () => {
    const handler = testDispatcher(staticDirectory([MAIN]), new RecordingRunner());
    const message = (await handler.ask('/connector help')).last;
    expect(handler.counted).toEqual([{ verb: 'help', platform: 'slack' }]);
    for (const spec of VERBS) expect(allText(message)).toContain(spec.verb);
  });

  it('answers help <verb> with its usage and options', async () => {
    const handler = testDispatcher(staticDirectory([MAIN]), new RecordingRunner());
    const { last: message } = await handler.ask('/connector help logs');
    expect(message.text).toBe('Usage: /connector logs [connector] [--since <24h|30m|7d>] [--details]');
  });

  it('answers input that does not parse with a usage message, verb "invalid"', async () => {
    const runner = new RecordingRunner();
    const handler = testDispatcher(staticDirectory([MAIN]), runner);
    const outcome = await handler.ask('/connector bogus');
    expect(handler.counted).toEqual([{ verb: 'invalid', platform: 'slack' }]);
    expect(outcome.kinds).toEqual(['acknowledge', 'post:private']);
    expect(outcome.last.text).toContain('Unknown command "bogus". Valid commands: help, connectors, status');
    expect(outcome.last.text).toContain('Type "/connector help" for the list of commands.');
    const badOption = await handler.ask('/connector logs --since forever');
    expect(badOption.last.text).toContain('Usage: /connector logs [connector] [--since <24h|30m|7d>] [--details]');
    expect(runner.calls).toEqual([]);
  });

  it('lists the connectors, configured and discovered', async () => {
    const handler = testDispatcher(staticDirectory([MAIN, OTHER]), new RecordingRunner());
    const { last: message } = await handler.ask('/connector connectors');
    expect(message.text).toBe('Connectors: main, other');
    const fields = message.blocks.find((b) => b.type === 'fields');
    expect(fields).toEqual({
      type: 'fields',
      fields: [
        { label: 'main', value: 'container connector-main · http://127.0.0.1:8080 · configured' },
        { label: 'other', value: 'container connector-other · discovered' },
      ],
    });
  });

  it('says when there are no connectors, with the directory’s problem', async () => {
    const handler = testDispatcher(staticDirectory([], 'Discovery on the container engine failed: ENOENT.'), new RecordingRunner());
    const list = await handler.ask('/connector connectors');
    expect(list.last.text).toBe('No connectors configured or discovered. Discovery on the container engine failed: ENOENT.');
    const health = await handler.ask('/connector health');
    expect(health.last.text).toContain('No connectors to check. Discovery on the container engine failed: ENOENT.');
    expect(health.last.text).toContain('CONNECTOR_CONTAINER or CONNECTOR_URL');
  });

  it('refuses an unknown connector and lists the known ones, without running checks', async () => {
    const runner = new RecordingRunner();
    const handler = testDispatcher(staticDirectory([MAIN, OTHER]), runner);
    const { last: message } = await handler.ask('/connector health nosuchconnector');
    expect(message.text).toContain('Unknown connector "nosuchconnector". Known connectors: main, other.');
    expect(runner.calls).toEqual([]);
    const none = await testDispatcher(staticDirectory([]), runner).ask('/connector health x');
    expect(none.last.text).toContain('Unknown connector "x". No connectors are configured or discovered.');
  });

  it('finds a connector by name or container, in any case', async () => {
    const runner = new RecordingRunner();
    const handler = testDispatcher(staticDirectory([MAIN, OTHER]), runner);
    await handler.ask('/connector health MAIN');
    await handler.ask('/connector health connector-other');
    expect(runner.calls.map((c) => c.connectors)).toEqual([['main'], ['other']]);
  });

  it.each(VERBS.filter((v) => v.checks).map((v) => [v.verb, v.checks!] as const))('runs the checks of %s', async (verb, checks) => {
    const runner = new RecordingRunner();
    const handler = testDispatcher(staticDirectory([MAIN, OTHER]), runner);
    await handler.ask(`/connector ${verb}`);
    expect(handler.counted).toEqual([{ verb, platform: 'slack' }]);
    expect(runner.calls).toEqual([{ connectors: ['main', 'other'], checks, options: { logWindowMs: undefined } }]);
  });

  it('maps the verbs to the documented check ids', () => {
    const checksOf = (verb: string) => VERBS.find((v) => v.verb === verb)?.checks;
    expect(checksOf('health')).toEqual(['health', 'container']);
    expect(checksOf('resources')).toEqual(['resources']);
    expect(checksOf('updates')).toEqual(['image-update', 'versions']);
    expect(checksOf('logs')).toEqual(['error-logs']);
    expect(checksOf('keys')).toEqual(['key-material']);
    expect(checksOf('database')).toEqual(['database']);
    expect(checksOf('status')).toHaveLength(10);
  });

  it('renders a report with its status and a Details button that runs the same command with --details', async () => {
    const handler = testDispatcher(staticDirectory([MAIN, OTHER]), new RecordingRunner('warn'));
    const { last: message } = await handler.ask('/connector health main');
    expect(message.blocks[0]).toEqual({ type: 'header', text: 'Health · main', status: 'warn' });
    expect(message.text).toBe('Health · main: WARN. main: warn (health warn, container warn)');
    const [details] = buttons(message);
    expect(details).toEqual({ label: 'Details', command: '/connector health main --details' });
    const reparsed = parseCommand(details!.command);
    expect(reparsed).toEqual({ ok: true, command: { verb: 'health', connector: 'main', details: true } });
  });

  it('shows the details when asked, without a Details button', async () => {
    const handler = testDispatcher(staticDirectory([MAIN]), new RecordingRunner());
    const { last: message } = await handler.ask('/connector health --details');
    expect(buttons(message)).toEqual([]);
    expect(allText(message)).toContain('health detail');
    expect(message.blocks[0]).toEqual({ type: 'header', text: 'Health', status: 'ok' });
  });

  it.each(['30m', '24h', '7d', '30d', '90m'])('passes --since %s to the runner, and keeps it in the Details button', async (since) => {
    const runner = new RecordingRunner();
    const handler = testDispatcher(staticDirectory([MAIN]), runner);
    const { last: message } = await handler.ask(`/connector logs main --since ${since}`);
    const expectedMs = (parseCommand(`logs --since ${since}`) as { ok: true; command: { sinceMs: number } }).command.sinceMs;
    expect(runner.calls[0]?.options).toEqual({ logWindowMs: expectedMs });
    const [details] = buttons(message);
    const reparsed = parseCommand(details!.command);
    expect(reparsed).toEqual({ ok: true, command: { verb: 'logs', connector: 'main', details: true, sinceMs: expectedMs } });
  });

  it('turns a runner that throws into a message, never a throw', async () => {
    const handler = testDispatcher(staticDirectory([MAIN]), new ThrowingRunner());
    const outcome = await handler.ask('/connector status');
    expect(handler.counted).toEqual([{ verb: 'status', platform: 'slack' }]);
    expect(outcome.last.text).toContain('"/connector status" failed unexpectedly: database exploded.');
    expect(outcome.kinds.at(-1)).toBe('post:private');
    expect(outcome.last.blocks[0]).toMatchObject({ type: 'section', status: 'unknown' });
  });

  it('turns a directory that throws into a message', async () => {
    const directory: ConnectorDirectory = {
      list: () => Promise.reject(new Error('engine gone')),
    };
    const outcome = await testDispatcher(directory, new RecordingRunner()).ask('/connector connectors');
    expect(outcome.last.text).toContain('failed unexpectedly: engine gone');
  });
});

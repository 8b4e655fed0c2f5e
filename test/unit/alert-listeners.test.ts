import { describe, expect, it } from 'vitest';
import { alertPostDelivered, silenceDuringOperations } from '../../src/alerts/listeners.ts';
import { alertPostKey } from '../../src/domain/alert.ts';
import type { OperationKind } from '../../src/domain/operation.ts';
import type { Actor, Conversation } from '../../src/domain/request.ts';
import type { OperationKindSpec } from '../../src/operations/executor.ts';
import { aConnector, memoryKind, staticDirectory, TEST_ALERT_SETTINGS, testAlerts, testOperations } from '../support/builders.ts';

const MAIN = aConnector('main', { container: 'connector-main' });
const root: Actor = { platform: 'console', id: 'console', displayName: 'root' };
const terminal: Conversation = { platform: 'console', id: 'console', private: true };

/** Real operations and real alerting, wired as the composition root wires them; each kind notes the connectors silenced while it runs. */
function setup() {
  const alerting = testAlerts(staticDirectory([MAIN]));
  const silencedDuring = new Map<OperationKind, string[]>();
  const noting = (kind: OperationKind): OperationKindSpec => ({
    ...memoryKind(kind).spec,
    execute: async () => {
      silencedDuring.set(kind, alerting.silences.active(new Date()).map((silence) => silence.target));
      return { ok: true, summary: 'done', details: [] };
    },
  });
  const ops = testOperations([noting('restart'), noting('backup')]);
  ops.service.events.on('execution', silenceDuringOperations(alerting.silencer));
  const run = async (kind: OperationKind) => {
    const requested = await ops.service.request({ kind, connector: MAIN, asked: {}, actor: root, conversation: terminal });
    if (!requested.ok) throw new Error(requested.problem);
    const decided = ops.service.decide(requested.request.id, 'approve', root);
    if (!decided.ok) throw new Error(`not approved: ${JSON.stringify(decided)}`);
    await ops.service.execute(decided.request, MAIN);
  };
  return { alerting, silencedDuring, run };
}

describe('what alerting hears of operations and deliveries', () => {
  it("a restart holds back its connector's alerts while it runs, and only for the settling time after", async () => {
    const { alerting, silencedDuring, run } = setup();
    await run('restart');
    expect(silencedDuring.get('restart')).toEqual(['main']);
    // Ended: the silence is cut to the settling time (hold and group wait), no longer the operation's whole time limit.
    const settling = alerting.silences.active(new Date()).find((silence) => silence.target === 'main');
    expect(settling!.endsAt.getTime() - Date.now()).toBeLessThanOrEqual(TEST_ALERT_SETTINGS.holdMs + TEST_ALERT_SETTINGS.groupWaitMs);
  });

  it("a backup, which keeps its connector up, holds back none of its alerts", async () => {
    const { silencedDuring, run } = setup();
    await run('backup');
    expect(silencedDuring.get('backup')).toEqual([]);
  });

  it("a delivered post of an alert is told to the engine by the alert's id; other posts are not", () => {
    const told: string[] = [];
    const listener = alertPostDelivered({ delivered: (alert) => void told.push(alert) });
    listener({ conversation: 'slack:C1', message: { text: 'report', blocks: [] } });
    listener({ conversation: 'slack:C1', message: { text: 'alert', blocks: [] }, key: alertPostKey({ id: 'a1b2c3', posts: 1 }) });
    listener({ conversation: 'slack:C1', message: { text: 'alert, updated', blocks: [] }, updateOf: alertPostKey({ id: 'd4e5f6', posts: 2 }) });
    expect(told).toEqual(['a1b2c3', 'd4e5f6']);
  });
});

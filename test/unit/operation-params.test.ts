import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { ConfiguredAccess } from '../../src/domain/access.ts';
import type { Connector } from '../../src/domain/connector.ts';
import type { OperationKind } from '../../src/domain/operation.ts';
import type { ReportRunner } from '../../src/domain/ports.ts';
import type { Actor } from '../../src/domain/request.ts';
import { report } from '../../src/domain/report.ts';
import { containerTarget, type OperationKindSpec } from '../../src/operations/executor.ts';
import type { Store } from '../../src/store/store.ts';
import { aConnector, memoryKind, NO_ACCESS_SETTINGS, SLACK_CHANNEL, staticDirectory, testDispatcher, testOperations } from '../support/builders.ts';

const runner: ReportRunner = { run: async () => report([]) };
const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
const bob: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob' };
const ACCESS = { ...NO_ACCESS_SETTINGS, operators: ['slack:U0ADA'], approvers: ['slack:U0BOB'] };
const MAIN = aConnector('main', { container: 'connector-main' });

/** A kind that records the params and the connector each run was given; it acts on a container, as restart does. */
function recordingKind(kind: OperationKind) {
  const runs: Array<{ params: unknown; container: string | undefined }> = [];
  const spec: OperationKindSpec = {
    ...memoryKind(kind).spec,
    target: containerTarget(` to ${kind}`),
    execute: async ({ params, connector }) => {
      runs.push({ params, container: connector.container });
      return { ok: true, summary: 'done', details: [] };
    },
  };
  return { spec, runs };
}

function bot(kind: OperationKind, connectors: Connector[] = [MAIN]) {
  const recording = recordingKind(kind);
  const ops = testOperations([recording.spec], ACCESS);
  const path = testDispatcher(staticDirectory(connectors), runner, { policy: new ConfiguredAccess(ACCESS), operations: ops.service, platforms: ops.platforms });
  const as = (actor: Actor, text: string) => path.ask(text, { actor });
  /** What the actor is answered, as the console shows it. */
  const said = async (actor: Actor, text: string) => renderText((await as(actor, text)).last).text;
  return { ...ops, runs: recording.runs, as, said };
}

/** A pending request as the version before typed params wrote it: the params column exactly as its planners made it. */
function writtenBefore(store: Store, id: string, kind: OperationKind, params: string): void {
  const now = Date.now();
  store.db
    .prepare(
      `INSERT INTO operation_requests (id, connector, kind, params, reason, state, requested_by, conversation, created_at, expires_at, self_approved, updated_at)
       VALUES (?, 'main', ?, ?, NULL, 'pending', ?, ?, ?, ?, 0, ?)`,
    )
    .run(id, kind, params, JSON.stringify({ platform: 'slack', id: 'U0ADA', displayName: 'Ada' }), JSON.stringify(SLACK_CHANNEL), now, now + 30 * 60_000, now);
}

const SHOWN = { lines: ['Current state: running for 2 h'] };

describe('requests recorded by an earlier version, approved after an upgrade', () => {
  it.each([
    [
      'update',
      { targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6', major: true, shown: { ...SHOWN, warning: 'A new major version is a migration' } },
      { targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6', major: true },
    ],
    ['update', { targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6', shown: SHOWN }, { targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6' }],
    ['start', { force: true, shown: { ...SHOWN, warning: 'Starting without the freshness guard' } }, { force: true }],
    ['start', { shown: SHOWN }, {}],
    ['cleanup', { items: [{ kind: 'image', id: 'sha256:0a1b', name: 'ghcr.io/nmshd/connector:7.4.5', bytes: 1024 }], shown: SHOWN }, { items: [{ kind: 'image', id: 'sha256:0a1b', name: 'ghcr.io/nmshd/connector:7.4.5', bytes: 1024 }] }],
    ['restart', { shown: SHOWN }, {}],
  ] as const)('%s with %j runs with its typed params %j', async (kind, stored, typed) => {
    const { store, as, said, runs } = bot(kind);
    writtenBefore(store, 'abc234', kind, JSON.stringify(stored));
    expect(await said(bob, '/connector requests')).toMatch(/abc234 +\w+ main · pending · by Ada/);
    await as(bob, '/connector approve abc234');
    expect(runs).toEqual([{ params: typed, container: 'connector-main' }]);
  });

  it('shows what the earlier version recorded, on the request message as before', async () => {
    const { store, service } = bot('update');
    writtenBefore(store, 'abc234', 'update', JSON.stringify({ targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6', shown: SHOWN }));
    expect(service.get('abc234')?.params).toEqual({ targetVersion: '7.4.7', targetImage: 'ghcr.io/nmshd/connector:7.4.7', currentVersion: '7.4.6', shown: SHOWN });
  });

  it('a record that lacks what its kind needs fails with what it lacks, and never runs on a guess', async () => {
    const { store, as, runs, service } = bot('update');
    writtenBefore(store, 'abc234', 'update', JSON.stringify({ targetVersion: '7.4.7', shown: SHOWN }));
    await as(bob, '/connector approve abc234');
    expect(runs).toEqual([]);
    expect(service.get('abc234')).toMatchObject({
      state: 'failed',
      outcome: 'its request does not record the version and image it goes to, and the version it comes from; request it again',
    });
  });

  it('a params column that is not JSON, or holds fields of another type, still lists; the run takes what it can read', async () => {
    const { store, as, said, runs, service } = bot('cleanup');
    writtenBefore(store, 'abc234', 'cleanup', JSON.stringify({ items: [{ kind: 'image', id: 7 }], shown: 'not lines' }));
    expect(await said(bob, '/connector requests')).toMatch(/abc234 +cleanup main · pending · by Ada/);
    await as(bob, '/connector approve abc234');
    expect(runs).toEqual([]);
    expect(service.get('abc234')).toMatchObject({ state: 'failed', outcome: 'its request does not record the items it was to remove; request it again' });

    const restart = bot('restart');
    writtenBefore(restart.store, 'def567', 'restart', '{"shown": ');
    expect(await restart.said(bob, '/connector requests')).toMatch(/def567 +restart main · pending · by Ada/);
    await restart.as(bob, '/connector approve def567');
    expect(restart.runs).toEqual([{ params: {}, container: 'connector-main' }]);
  });
});

describe('the connector an operation acts on, narrowed where the plan is made and again before the run', () => {
  it('a connector without a container is refused at the request, naming the setting', async () => {
    const { said, runs, requests } = bot('restart', [aConnector('main')]);
    expect(await said(ada, '/connector restart main')).toBe('[WARN] main has no container to restart. Set CONNECTOR_CONTAINER (or container in the YAML file).');
    expect(requests.active()).toEqual([]);
    expect(runs).toEqual([]);
  });

  it('a container gone from the configuration between the request and the approval fails the run with the reason', async () => {
    const connectors = [MAIN];
    const { as, said, runs, service } = bot('restart', connectors);
    const id = /Request ([a-z0-9]{6})/.exec(await said(ada, '/connector restart main'))?.[1] ?? '';
    connectors[0] = aConnector('main');
    await as(bob, `/connector approve ${id}`);
    expect(runs).toEqual([]);
    expect(service.get(id)).toMatchObject({ state: 'failed', outcome: 'main has no container to restart. Set CONNECTOR_CONTAINER (or container in the YAML file).' });
  });
});

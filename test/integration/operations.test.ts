import { statSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Actor } from '../../src/domain/request.ts';
import { createServices, type Services } from '../../src/root.ts';
import { MongoDouble } from '../support/mongo-double/server.ts';
import { scenarios } from '../support/mongo-double/script.ts';
import { silentLogger, type RecordingReply } from '../support/builders.ts';
import { chatWith } from '../support/services-chat.ts';
import { ENGINE_KINDS, describeWith, engineHost, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, standinImageOf, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { fixtureDockerClient } from '../support/builders.ts';

const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
const bob: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob' };

/**
 * Operations end to end, through the composition root the bot runs on: a request in chat, another person's
 * approval, the real Docker Engine acting on a stand-in Connector, the MongoDB wire double holding the stop
 * marker, the audit log in the store.
 */
describe.each(ENGINE_KINDS)('operations on a stand-in Connector on $kind', ({ kind, engine }) => {
describeWith([() => requireDockerEngine(engine), requireStandinImage], kind, () => {
  // Podman 4 runs HEALTHCHECKs from systemd timers, which these machines lack (its health stays
  // "starting"): there the bot judges by /health alone.
  const healthcheck = kind === 'Docker';
  const opened: Services[] = [];
  afterAll(async () => {
    for (const services of opened) services.close();
    await removeAllStandins();
  });

  function servicesFor(standin: StandinConnector, env: Record<string, string> = {}): Services {
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-operations-'));
    const config = loadConfig({
      DOCKER_HOST: engineHost(engine),
      DATA_DIR: dataDir,
      CONNECTOR_NAME: 'ops',
      CONNECTOR_CONTAINER: standin.name,
      CONNECTOR_URL: standin.url,
      CONNECTOR_API_KEY: standin.apiKey,
      CONNECTOR_OPS_OPERATORS: 'slack:U0ADA',
      CONNECTOR_OPS_APPROVERS: 'slack:U0BOB',
      STOP_GRACE_SECONDS: '2',
      HEALTHY_TIMEOUT_SECONDS: '20',
      ...env,
    });
    const services = createServices(config, silentLogger());
    chats.set(services, chatWith(services));
    opened.push(services);
    return services;
  }

  const chats = new Map<Services, ReturnType<typeof chatWith>>();
  const ask = (services: Services, actor: Actor, text: string) => chats.get(services)!.ask(actor, text);
  const idOf = (reply: RecordingReply) => /Request ([a-z0-9]{6})/.exec(renderText(reply.last).text)?.[1] ?? '';
  /** Bob approves; the outcome is the reply in the request's thread. */
  async function approve(services: Services, id: string): Promise<string> {
    await ask(services, bob, `/connector approve ${id}`);
    return chats.get(services)!.outcome();
  }

  it('restart: requested by one, approved by another, healthy again; the audit log holds it all, in order', async () => {
    // Unhealthy until restarted, as a Connector stuck after its broker went away and came back.
    const standin = await startStandinConnector({ engine, name: 'op-restart', health: 'unhealthy:database', healthcheck, healOnRestart: true });
    const services = servicesFor(standin);
    const health = await ask(services, ada, '/connector health ops');
    expect(renderText(health.last).text).toMatch(/\[CRIT\].*Unhealthy \(HTTP 500\): database unhealthy/);
    const requested = await ask(services, ada, '/connector restart ops --reason "database check failing"');
    const id = idOf(requested);
    expect(id, renderText(requested.last).text).not.toBe('');
    const started = performance.now();
    const outcome = await approve(services, id);
    const tookMs = performance.now() - started;
    expect(outcome).toMatch(/^\[ ok \] Restart of ops succeeded: healthy again [\d.]+ s after the start/);
    const events = services.operations.auditEntries({ connector: 'ops' }).map((e) => e.event);
    expect(events[0]).toBe('requested');
    expect(events.slice(1, 3)).toEqual(['approved', 'started']);
    expect(events.at(-1)).toBe('succeeded');
    expect(events.filter((e) => e === 'progress').length).toBeGreaterThanOrEqual(2);
    // Measured for the closing note: approval to healthy, the stand-in on this machine.
    console.info(`restart of the stand-in: approval to healthy in ${(tookMs / 1000).toFixed(1)} s`);
  });

  it('stop of a Connector that ignores SIGTERM: a 0600 backup first, then killed after the grace period, and a stop marker', async () => {
    const standin = await startStandinConnector({ engine, name: 'op-stop', ignoreSigterm: true });
    const services = servicesFor(standin);
    const id = idOf(await ask(services, ada, '/connector stop ops'));
    const outcome = await approve(services, id);
    expect(outcome).toMatch(/Stop of ops succeeded: killed after the 2 s grace period: it ignored SIGTERM/);
    const archive = /archive +(\S+\.tar\.gz)/.exec(outcome)?.[1];
    expect(archive, outcome).toBeDefined();
    expect(statSync(archive!).mode & 0o777).toBe(0o600);
    expect(outcome).toMatch(/stop marker +no MongoDB URI configured/);
    expect(services.operations.get(id)?.state).toBe('succeeded');
  });

  it('start after a downtime: allowed on a fresh database, blocked after a restore to before the stop, --force approved separately and audited', async () => {
    const double = await MongoDouble.start({ script: scenarios.healthySet() });
    try {
      const standin = await startStandinConnector({ engine, name: 'op-start' });
      const services = servicesFor(standin, { CONNECTOR_MONGODB_URI: double.uri() });
      const beforeStop = double.data.snapshot();
      const stop = idOf(await ask(services, ada, '/connector stop ops'));
      expect(await approve(services, stop)).toMatch(/stop marker +written to acc-default\.connectorOpsStopMarkers, last applied operation/);

      // The database restored to a point before the stop: the start is refused before anything is queued.
      const afterStop = double.data.snapshot();
      double.data.restore(beforeStop);
      const blocked = await ask(services, ada, '/connector start ops');
      expect(blocked.kinds).toEqual(['acknowledge', 'post:private']);
      expect(renderText(blocked.last).text).toMatch(/Not starting ops: the stop marker is missing: the database was restored to a point before the stop.*start ops --force/);

      // Back to the database as it was at the stop: allowed, and the outcome says the guard passed.
      double.data.restore(afterStop);
      const start = idOf(await ask(services, ada, '/connector start ops'));
      const started = await approve(services, start);
      expect(started).toMatch(/Start of ops succeeded: healthy after [\d.]+ s, and sync runs/);
      expect(started).toMatch(/holds the marker of the stop at .* and is not older/);

      // Stopped again, restored again: only a separate --force request, whose message names the risk, starts it.
      const again = idOf(await ask(services, ada, '/connector stop ops'));
      await ask(services, bob, `/connector approve ${again}`);
      double.data.restore(beforeStop);
      const forced = await ask(services, ada, '/connector start ops --force');
      expect(renderText(forced.last).text).toMatch(/WITHOUT the database freshness guard/);
      expect(renderText(forced.last).text).toMatch(/two inconsistent versions/);
      const forcedOutcome = await approve(services, idOf(forced));
      expect(forcedOutcome).toMatch(/Start of ops succeeded/);
      expect(forcedOutcome).toMatch(/started with --force although the stop marker is missing/);
      const requested = services.operations.auditEntries({ connector: 'ops' }).filter((e) => e.event === 'requested');
      expect(requested.at(-1)?.detail).toMatchObject({ params: expect.objectContaining({ force: true }), warning: expect.stringMatching(/freshness guard/) });
    } finally {
      await double.stop();
    }
  });

  it('a start whose container exits at once names the reason from its last log lines', async () => {
    const standin = await startStandinConnector({ engine, name: 'op-crash' });
    const services = servicesFor(standin);
    await standin.stop(2);
    await standin.writeState('crash', 'backbone');
    const id = idOf(await ask(services, ada, '/connector start ops'));
    const outcome = await approve(services, id);
    expect(outcome).toMatch(/Start of ops failed: started, but the container exited \(code 1\); its last words: .*ECONNREFUSED/);
  });

  it('update 7.4.5 → 7.4.7: pulled, recreated with every field of its definition kept, healthy; to an image that never becomes healthy: rolled back', async () => {
    // Podman 4 cannot change the kept container's restart policy: there a Connector without one is updated.
    const restartPolicy = kind === 'Podman' ? 'no' : 'always';
    const standin = await startStandinConnector({ engine, name: 'op-update', image: standinImageOf('7.4.5'), healthcheck, restartPolicy });
    const services = servicesFor(standin, { HEALTHY_TIMEOUT_SECONDS: '8' });
    const docker = fixtureDockerClient(engine);
    const before = await docker.getContainer(standin.name).inspect();

    const requested = await ask(services, ada, '/connector update ops 7.4.7');
    expect(renderText(requested.last).text).toMatch(/Version +7\.4\.5 → 7\.4\.7/);
    const started = performance.now();
    const outcome = await approve(services, idOf(requested));
    const tookMs = performance.now() - started;
    expect(outcome).toMatch(/Update of ops succeeded: updated 7\.4\.5 → 7\.4\.7; healthy after/);
    expect(outcome).toMatch(/before +127\.0\.0\.1:5000\/nmshd\/connector:7\.4\.5 \(sha256:/);
    console.info(`update of the stand-in 7.4.5 → 7.4.7: approval to healthy in ${(tookMs / 1000).toFixed(1)} s`);

    const after = await docker.getContainer(standin.name).inspect();
    expect(after.Id).not.toBe(before.Id);
    expect(after.Config.Image).toBe(standinImageOf('7.4.7'));
    expect(after.Name).toBe(before.Name);
    // The operator's settings kept field by field; what the old image set is the new image's now.
    const operatorEnv = (env: string[]) => env.filter((e) => !e.startsWith('STANDIN_IMAGE_VERSION=')).sort();
    expect(operatorEnv(after.Config.Env)).toEqual(operatorEnv(before.Config.Env));
    expect(after.Config.Env).toContain('STANDIN_IMAGE_VERSION=7.4.7');
    const imageLabels = (await docker.getImage(standinImageOf('7.4.5')).inspect()).Config.Labels ?? {};
    const operatorLabels = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).filter(([key]) => !(key in imageLabels)));
    expect(operatorLabels(after.Config.Labels)).toEqual(operatorLabels(before.Config.Labels));
    expect(Object.keys(operatorLabels(before.Config.Labels))).toContain('connector-ops.url');
    expect(after.Config.Healthcheck).toEqual(before.Config.Healthcheck);
    expect(after.Config.User).toBe(before.Config.User);
    for (const key of ['Binds', 'NetworkMode', 'RestartPolicy', 'LogConfig', 'Memory', 'NanoCpus'] as const) expect(after.HostConfig[key], key).toEqual(before.HostConfig[key]);
    expect(after.Mounts).toEqual(before.Mounts);
    const reported = await fetch(`${standin.url}/Monitoring/Version`, { headers: { 'X-API-KEY': standin.apiKey } }).then((r) => r.json() as Promise<{ version: string }>);
    expect(reported.version).toBe('7.4.7');
    const leftovers = (await docker.listContainers({ all: true })).filter((c) => c.Names.some((n) => n.startsWith(`${before.Name}-previous-`)));
    expect(leftovers).toEqual([]);

    // 7.4.8 never becomes healthy: the update is rolled back to 7.4.7 with its definition.
    const broken = await ask(services, ada, '/connector update ops 7.4.8');
    const rolledBack = await approve(services, idOf(broken));
    expect(rolledBack).toMatch(/Update of ops failed: 7\.4\.8 did not become healthy \(.*\); rolled back to 7\.4\.7, healthy again/);
    const restored = await docker.getContainer(standin.name).inspect();
    expect(restored.Id).toBe(after.Id);
    expect(restored.Config.Image).toBe(standinImageOf('7.4.7'));
    expect(restored.HostConfig.RestartPolicy).toEqual(before.HostConfig.RestartPolicy);
    expect(restored.State.Running).toBe(true);
  });

  it('a new major is refused as a routine update; with --major the request names the migration', async () => {
    const standin = await startStandinConnector({ engine, name: 'op-major' });
    const services = servicesFor(standin);
    const routine = await ask(services, ada, '/connector update ops 8.0.0');
    expect(renderText(routine.last).text).toMatch(/7\.4\.6 → 8\.0\.0 is a new major version\. A new major version is a migration.*--major/);
    const major = await ask(services, ada, '/connector update ops 8.0.0 --major');
    expect(renderText(major.last).text).toMatch(/NEW MAJOR/);
    expect(renderText(major.last).text).toMatch(/6 → 7 needed a database wipe/);
  });

  it.runIf(kind === 'Podman')('update of a Connector with a restart policy, on an engine that cannot change it: refused before anything is touched, with the reason', async () => {
    const standin = await startStandinConnector({ engine, name: 'op-update-policy', image: standinImageOf('7.4.5'), restartPolicy: 'always' });
    const services = servicesFor(standin);
    const docker = fixtureDockerClient(engine);
    const before = await docker.getContainer(standin.name).inspect();
    const outcome = await approve(services, idOf(await ask(services, ada, '/connector update ops 7.4.7')));
    expect(outcome).toMatch(/Update of ops failed: .*cannot change a container's restart policy .*restart policy "always".*nothing was changed/);
    const after = await docker.getContainer(standin.name).inspect();
    expect(after.Id).toBe(before.Id);
    expect(after.State).toMatchObject({ Running: true, StartedAt: before.State.StartedAt });
    expect(after.Config.Image).toBe(standinImageOf('7.4.5'));
  });
});
});


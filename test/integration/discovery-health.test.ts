import { testDockerClient, aConnector } from '../support/builders.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerCheck } from '../../src/checks/container.ts';
import { HealthCheck } from '../../src/checks/health.ts';
import { CheckRunner } from '../../src/checks/runner.ts';
import { DockerConnectorDirectory } from '../../src/connectors/directory.ts';
import { renderText } from '../../src/chat/text/render.ts';
import { ConnectorApiClient } from '../../src/integrations/connector-api/client.ts';
import { DockerContainers } from '../../src/integrations/docker/containers.ts';
import { testDispatcher } from '../support/builders.ts';
import { ENGINE_KINDS, describeWith, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { validReport } from '../support/report-schema.ts';

describe.each(ENGINE_KINDS)('discovery and health against a stand-in Connector on the real $kind engine', ({ kind, engine }) => {
describeWith([() => requireDockerEngine(engine), requireStandinImage], kind, () => {
  let standin: StandinConnector;
  const docker = testDockerClient(engine);
  const runner = new CheckRunner([new HealthCheck({ api: new ConnectorApiClient(5_000) }), new ContainerCheck(new DockerContainers(docker))], {
    timeoutMs: 8_000,
    concurrency: 4,
  });

  beforeAll(async () => {
    // Podman 4 runs HEALTHCHECKs from systemd timers, which these machines lack: its health would stay "starting".
    standin = await startStandinConnector({ engine, name: 'discovery', healthcheck: kind === 'Docker' });
  });
  afterAll(async () => {
    await removeAllStandins();
  });

  it('discovers the container by its image and reads /health: healthy, then unhealthy after the switch', async () => {
    const directory = new DockerConnectorDirectory({ configured: [], engines: [{ name: 'default', client: docker, local: true }], cacheMs: 0 });
    const { connectors, problem } = await directory.list();
    expect(problem).toBeUndefined();
    const found = connectors.find((c) => c.container === standin.name);
    expect(found, `discovered: ${connectors.map((c) => c.name).join(', ')}`).toBeDefined();
    expect(found).toMatchObject({ source: 'discovered', url: standin.url });

    const healthy = validReport(await runner.run([found!], ['health', 'container']));
    const health = healthy.connectors[0]!.checks.find((c) => c.id === 'health')!;
    console.log(`stand-in ${standin.name}: ${health.status} — ${health.summary}`);
    expect(health.status).toBe('ok');
    expect(health.summary).toContain('Healthy (HTTP 200)');
    const container = healthy.connectors[0]!.checks.find((c) => c.id === 'container')!;
    expect(container.status).not.toBe('critical');
    expect(container.summary).toMatch(/^Running/);

    await standin.setHealth('unhealthy:database');
    const unhealthy = validReport(await runner.run([found!], ['health']));
    const after = unhealthy.connectors[0]!.checks[0]!;
    console.log(`stand-in ${standin.name} after the switch: ${after.status} — ${after.summary}`);
    expect(after.status).toBe('critical');
    expect(after.summary).toBe('Unhealthy (HTTP 500): database unhealthy');
    expect(unhealthy.status).toBe('critical');
  });

  it('answers /connector health <name> in the console grammar, and reads the version with the API key', async () => {
    const directory = new DockerConnectorDirectory({
      configured: [
        aConnector('main', { container: standin.name, url: standin.url, apiKey: standin.apiKey }),
      ],
      engines: [{ name: 'default', client: docker, local: true }],
    });
    await standin.setHealth('healthy');
    const handler = testDispatcher(directory, runner);
    const text = renderText((await handler.ask('/connector health main')).last).text;
    expect(text).toContain('Health · main');
    expect(text).toMatch(/Healthy \(HTTP 200\) · version 7\.4\.6/);
    const unknown = await handler.ask('/connector health nosuchconnector');
    expect(renderText(unknown.last).text).toContain('Unknown connector "nosuchconnector". Known connectors: main.');
  });

  it('reports a stopped container as not running and its /health as unreachable', async () => {
    const stopped = await startStandinConnector({ engine, name: 'stopped' });
    await stopped.stop();
    const report = validReport(await runner.run(
      [aConnector('stopped', { container: stopped.name, url: stopped.url })],
      ['health', 'container'],
    ));
    const [health, container] = ['health', 'container'].map((id) => report.connectors[0]!.checks.find((c) => c.id === id)!);
    expect(health!.status).toBe('critical');
    expect(health!.summary).toMatch(/^Unreachable: .*ECONNREFUSED/);
    expect(container!.status).toBe('critical');
    // Podman 4 names the state of a container that ran and ended "stopped" until it has cleaned up after it.
    expect(container!.summary).toMatch(kind === 'Podman' ? /^Not running: (stopped|exited)/ : /^Not running: exited/);
  });

  it('reports a hanging /health as unreachable within the time limit, not as unhealthy', async () => {
    const hanging = await startStandinConnector({ engine, name: 'hanging', health: 'hang' });
    const quick = new CheckRunner([new HealthCheck({ api: new ConnectorApiClient(1_000) })], { timeoutMs: 3_000, concurrency: 1 });
    const report = validReport(await quick.run(
      [aConnector('hanging', { url: hanging.url })],
      ['health'],
    ));
    const health = report.connectors[0]!.checks[0]!;
    // The client's own time limit (1 s) gave up, not the runner's (3 s), nor the stand-in's hang (60 s).
    expect(health.status).toBe('critical');
    expect(health.summary).toBe('Unreachable: timed out');
  });

  it('tells a hanging /health of a Connector that is up (its other routes answer) from an unreachable one', async () => {
    const hanging = await startStandinConnector({ engine, name: 'hanging-up', health: 'hang' });
    const quick = new CheckRunner([new HealthCheck({ api: new ConnectorApiClient(1_000) })], { timeoutMs: 3_000, concurrency: 1 });
    const report = validReport(await quick.run(
      [aConnector('hanging-up', { url: hanging.url, apiKey: hanging.apiKey })],
      ['health'],
    ));
    const health = report.connectors[0]!.checks[0]!;
    expect(health.status).toBe('critical');
    expect(health.summary).toMatch(/^\/health did not answer within 1 s although the Connector is up .*Backbone/);
    expect(health.summary).not.toMatch(/Unreachable/);
    expect(health.details).toContainEqual(expect.objectContaining({ label: 'version', status: 'ok' }));
    expect(health.details).toContainEqual(expect.objectContaining({ label: 'last sync run', status: 'ok' }));
  });

  it('reports a crash-looping container as restarting, with its exit code', async () => {
    const crashing = await startStandinConnector({ engine, name: 'crashing', crash: true, restartPolicy: 'always' });
    const target = aConnector('crashing', { container: crashing.name });
    let container;
    for (let attempt = 0; attempt < 40; attempt++) {
      container = (validReport(await runner.run([target], ['container']))).connectors[0]!.checks[0]!;
      if (container.details.some((d) => d.label === 'restarts' && d.value !== '0')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(container!.status).toBe('critical');
    expect(container!.details.find((d) => d.label === 'restarts')?.value).not.toBe('0');
    // Between two attempts Docker shows it restarting; caught in its short run it is a crash loop.
    expect(container!.summary).toMatch(/^Restarting \(restarted \d+×, last exit code 1\)$|^Running for \d+ s, \d+ restarts?$/);
  });
});
});

describeWith([], 'container check with the Docker engine gone', () => {
  it('answers unknown with the reason, and the report still comes', async () => {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///tmp/connector-ops-no-such-engine.sock';
    try {
      const gone = new CheckRunner([new ContainerCheck(new DockerContainers(testDockerClient()))], { timeoutMs: 3_000, concurrency: 1 });
      const report = validReport(await gone.run([aConnector('x', { container: 'x' })], ['container']));
      const container = report.connectors[0]!.checks[0]!;
      expect(container.status).toBe('unknown');
      expect(container.summary).toMatch(/^Could not ask the container engine: .*ENOENT/);
    } finally {
      process.env.DOCKER_HOST = previous;
    }
  });
});

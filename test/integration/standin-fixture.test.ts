import { testDockerClient } from '../support/builders.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, requireStandinImage } from '../support/requirements.ts';
import {
  connectorLogLine,
  containerOutput,
  startStandinConnector,
  testRunId,
  type StandinConnector,
} from '../support/standin.ts';

// The fixture every Connector integration test stands on must itself behave like a Connector.
describeWith([requireStandinImage()], 'stand-in Connector fixture', () => {
  let connector: StandinConnector;

  beforeAll(async () => {
    connector = await startStandinConnector({ name: 'fixture', version: '7.4.6' });
  });
  afterAll(async () => {
    await connector?.remove();
  });

  it('runs from the nmshd/connector image, labelled as this run\'s test container', async () => {
    const info = await testDockerClient().getContainer(connector.containerId).inspect();
    expect(info.Config.Image).toMatch(/nmshd\/connector:7\.4\.6$/);
    expect(info.Config.Labels).toMatchObject({ 'connector-ops.test': '1', 'connector-ops.test.run': testRunId() });
    expect(info.HostConfig.NetworkMode).toBe('host');
  });

  it('answers /health 200 when healthy and 500 naming the service after the test switched it', async () => {
    const healthy = await fetch(`${connector.url}/health`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({
      isHealthy: true,
      services: { database: 'healthy', backboneConnection: 'healthy', backboneAuthentication: 'healthy' },
    });

    await connector.setHealth('unhealthy:backboneConnection');
    const unhealthy = await fetch(`${connector.url}/health`);
    expect(unhealthy.status).toBe(500);
    expect(await unhealthy.json()).toEqual({
      isHealthy: false,
      services: { database: 'healthy', backboneConnection: 'unhealthy', backboneAuthentication: 'healthy' },
    });
  });

  it('refuses a wrong API key with 401 after a delay and serves the version for the right one', async () => {
    const started = Date.now();
    const refused = await fetch(`${connector.url}/Monitoring/Version`, { headers: { 'X-API-KEY': 'wrong' } });
    expect(refused.status).toBe(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await refused.body?.cancel();

    const version = await fetch(`${connector.url}/Monitoring/Version`, { headers: { 'X-API-KEY': connector.apiKey } });
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ version: '7.4.6' });

    const identity = await fetch(`${connector.url}/api/core/v1/Account/IdentityInfo`, { headers: { 'x-api-key': connector.apiKey } });
    expect(await identity.json()).toMatchObject({ result: { address: expect.stringMatching(/^did:e:/) } });
  });

  it('prints log4js lines, and lines appended to /state/log show up in docker logs', async () => {
    await (await fetch(`${connector.url}/health`)).body?.cancel();
    const line = connectorLogLine('ERROR', 'Runtime.SyncModule', 'Sync failed Error: fixture-marker\n    at sync (/usr/app/sync.js:1:1)');
    await connector.appendLog([line]);

    let logs = '';
    const deadline = Date.now() + 5_000;
    while (!logs.includes('fixture-marker') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      logs = await containerOutput(connector.containerId);
    }
    const lines = logs.split('\n');
    const event = lines.findIndex((line) => line.includes('fixture-marker'));
    // log4js colours ERROR "red", which is 91 (bright red), as a real Connector prints it.
    expect(lines[event]?.startsWith('\x1b[91m[')).toBe(true);
    expect(lines[event]).toMatch(/\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\] \[ERROR\] Runtime\.SyncModule - Sync failed Error: fixture-marker$/);
    expect(lines[event + 1]).toBe('    at sync (/usr/app/sync.js:1:1) \x1b[39m');
    const request = lines.find((line) => / \[INFO\] HttpServer - GET \/health (200|500) -- \d+ms /.test(line));
    expect(request?.startsWith('\x1b[32m[')).toBe(true);
    expect(request?.endsWith(' \x1b[39m')).toBe(true);
  });
});

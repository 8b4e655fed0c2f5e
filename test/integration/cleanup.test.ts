import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderText } from '../../src/chat/text/render.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { Actor } from '../../src/domain/request.ts';
import { createServices, type Services } from '../../src/root.ts';
import { fixtureDockerClient, silentLogger } from '../support/builders.ts';
import { chatWith } from '../support/services-chat.ts';
import { requirePrivateEngine, startPrivateEngine, type PrivateEngine } from '../support/private-engine.ts';
import { ENGINE_KINDS, describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { standinImageOf } from '../support/standin.ts';

const ada: Actor = { platform: 'slack', id: 'U0ADA', displayName: 'Ada' };
const bob: Actor = { platform: 'slack', id: 'U0BOB', displayName: 'Bob' };

/**
 * Cleanup removes every unused Connector image and exited Connector container of its engine, so it runs on an
 * engine of its own: the shared ones hold what other test files use.
 */
describe.each(ENGINE_KINDS)('cleanup on a $kind engine of its own', ({ kind }) => {
describeWith([requireDocker, requireStandinImage, () => requirePrivateEngine(kind)], kind, () => {
  let engine: PrivateEngine;
  let services: Services;
  let chat: ReturnType<typeof chatWith>;

  beforeAll(async () => {
    engine = await startPrivateEngine([standinImageOf('7.4.5'), standinImageOf('7.4.6'), standinImageOf('7.4.7')], fixtureDockerClient(), kind);
    // The stand-in's own entrypoint would serve forever: these run a plain command instead.
    const sleeper = (image: string, name: string, cmd: string[]) =>
      engine.client.createContainer({ name, Image: image, Entrypoint: cmd, HostConfig: { NetworkMode: 'none' } });
    // The connector's own container (7.4.6, running), an exited Connector container (7.4.5), an unused image (7.4.7).
    await (await sleeper(standinImageOf('7.4.6'), 'own', ['sleep', '3600'])).start();
    const exited = await sleeper(standinImageOf('7.4.5'), 'old-run', ['true']);
    await exited.start();
    await exited.wait();
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-cleanup-'));
    services = createServices(
      loadConfig({ DOCKER_HOST: engine.host, DATA_DIR: dataDir, CONNECTOR_NAME: 'ops', CONNECTOR_CONTAINER: 'own', CONNECTOR_OPS_OPERATORS: 'slack:U0ADA', CONNECTOR_OPS_APPROVERS: 'slack:U0BOB' }),
      silentLogger(),
    );
    chat = chatWith(services);
  }, 120_000);
  afterAll(async () => {
    services?.close();
    await engine?.stop();
  }, 60_000);


  it('lists every item with its size, removes exactly those after approval, and keeps one that came into use meanwhile', async () => {
    const requested = await chat.ask(ada, '/connector cleanup ops');
    const request = renderText(requested.last).text;
    expect(request).toMatch(/image 127\.0\.0\.1:5000\/nmshd\/connector:7\.4\.7 \([\d.]+ MiB\)/);
    expect(request).toMatch(/container old-run/);
    expect(request).not.toMatch(/container own/);
    expect(request).not.toMatch(/connector:7\.4\.6/);
    const id = /Request ([a-z0-9]{6})/.exec(request)![1]!;

    // Between the request and the approval someone starts using 7.4.7.
    await engine.client.createContainer({ name: 'new-user', Image: standinImageOf('7.4.7'), Entrypoint: ['true'], HostConfig: { NetworkMode: 'none' } });

    await chat.ask(bob, `/connector approve ${id}`);
    const outcome = await chat.outcome();
    expect(outcome).toMatch(/Cleanup of ops failed: removed 1 of 2 items/);
    expect(outcome).toMatch(/removed +container old-run/);
    expect(outcome).toMatch(/kept +image 127\.0\.0\.1:5000\/nmshd\/connector:7\.4\.7 .*no longer old material/);
    const names = (await engine.client.listContainers({ all: true })).flatMap((c) => c.Names);
    expect(names).not.toContain('/old-run');
    expect(names).toEqual(expect.arrayContaining(['/own', '/new-user']));
    const tags = (await engine.client.listImages()).flatMap((i) => i.RepoTags ?? []);
    expect(tags).toEqual(expect.arrayContaining([standinImageOf('7.4.6'), standinImageOf('7.4.7')]));
  });
});
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { createServices, type Services } from '../../src/root.ts';
import { renderText } from '../../src/chat/text/render.ts';
import { RecordingReply, aRequest, silentLogger } from '../support/builders.ts';
import { describeWith, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';
import { validReport } from '../support/report-schema.ts';

/**
 * One report over Connectors on three real engines (a unix socket, a second socket, TCP with TLS and
 * client certificates), built by the composition root from a YAML file as an operator writes it; an engine
 * that is gone degrades only its own connectors.
 */
describeWith(
  [() => requireDockerEngine('first'), () => requireDockerEngine('second'), () => requireDockerEngine('tls'), requireStandinImage],
  'connectors on several Docker engines',
  () => {
    const run = randomBytes(3).toString('hex');
    const goneSocket = `unix:///tmp/cops-no-engine-${run}.sock`;
    const standins: Record<'first' | 'second' | 'tls', StandinConnector | undefined> = { first: undefined, second: undefined, tls: undefined };
    let services: Services | undefined;

    function servicesFrom(yaml: string): Services {
      const dir = mkdtempSync(join(tmpdir(), 'cops-engines-'));
      writeFileSync(join(dir, 'connector-ops.yml'), yaml);
      const config = loadConfig({ DOCKER_HOST: process.env.DOCKER_HOST, DATA_DIR: join(dir, 'data'), CONNECTOR_OPS_CONFIG: join(dir, 'connector-ops.yml') });
      return createServices(config, silentLogger());
    }

    const engines = () => `engines:
  - name: second
    host: ${process.env.TEST_DOCKER2_HOST}
  - name: tls
    host: ${process.env.TEST_DOCKER_TLS_HOST}
    tlsVerify: true
    certPath: ${process.env.TEST_DOCKER_TLS_CERT_PATH}
  - name: gone
    host: ${goneSocket}
`;

    beforeAll(async () => {
      const [first, second, tls] = await Promise.all([
        startStandinConnector({ name: `eng-first-${run}`, engine: 'first' }),
        startStandinConnector({ name: `eng-second-${run}`, engine: 'second' }),
        startStandinConnector({ name: `eng-tls-${run}`, engine: 'tls' }),
      ]);
      Object.assign(standins, { first, second, tls });
      services = servicesFrom(engines());
    });
    afterAll(async () => {
      services?.close();
      await removeAllStandins();
    });

    it('discovers on every engine, tells each connector its engine, and names the engine that is gone', async () => {
      const { connectors, problem } = await services!.directory.list();
      const ours = connectors.filter((c) => c.name.includes(`-${run}-`));
      expect(ours.map((c) => [c.name, c.engine]).sort()).toEqual(
        [
          [standins.first!.name, 'default'],
          [standins.second!.name, 'second'],
          [standins.tls!.name, 'tls'],
        ].sort(),
      );
      expect(problem).toMatch(new RegExp(`Discovery on the container engine gone failed: .*ENOENT`));
    });

    it('one report covers all three; each container is found on its own engine', async () => {
      const { connectors } = await services!.directory.list();
      const ours = connectors.filter((c) => c.name.includes(`-${run}-`));
      expect(ours).toHaveLength(3);
      const report = validReport(await services!.runner.run(ours, ['health', 'container', 'versions']));
      for (const connector of report.connectors) {
        const byId = Object.fromEntries(connector.checks.map((c) => [c.id, c]));
        expect(byId.container?.status, `${connector.name}: ${byId.container?.summary}`).toBe('ok');
        expect(byId.health?.status, `${connector.name}: ${byId.health?.summary}`).toBe('ok');
        expect(byId.versions?.summary, connector.name).toMatch(/^Docker \d+\.\d+/);
      }
    });

    it('/connector connectors shows each connector\'s engine', async () => {
      const reply = new RecordingReply();
      await services!.dispatcher.dispatch(aRequest('/connector connectors'), reply);
      const text = renderText(reply.last).text;
      expect(text).toMatch(new RegExp(`${standins.second!.name} .*engine second`));
      expect(text).toMatch(new RegExp(`${standins.tls!.name} .*engine tls`));
    });

    it('a configured connector on an engine that is gone is unknown, naming the engine; the others are not degraded', async () => {
      const configured = servicesFrom(`${engines()}connectors:
  - name: on-second
    container: ${standins.second!.name}
    url: ${standins.second!.url}
    docker:
      host: ${process.env.TEST_DOCKER2_HOST}
  - name: on-gone
    container: ${standins.first!.name}
    docker:
      host: ${goneSocket}
`);
      try {
        const { connectors } = await configured.directory.list();
        const report = validReport(await configured.runner.run(connectors, ['container', 'versions']));
        const of = (name: string) => Object.fromEntries(report.connectors.find((c) => c.name === name)!.checks.map((c) => [c.id, c]));
        expect(of('on-second').container?.status).toBe('ok');
        expect(of('on-gone').container).toMatchObject({ status: 'unknown', summary: expect.stringMatching(/^Could not ask the container engine gone: .*ENOENT/) });
        expect(of('on-gone').versions?.summary).toMatch(/engine gone: .*ENOENT/);
      } finally {
        configured.close();
      }
    });

    it('the same name on two engines: the first engine\'s is operated, and the clash is told, naming both', async () => {
      const label = { 'connector-ops.name': `twin-${run}` };
      await Promise.all([
        startStandinConnector({ name: `twin-a-${run}`, engine: 'first', labels: label }),
        startStandinConnector({ name: `twin-b-${run}`, engine: 'second', labels: label }),
      ]);
      const fresh = servicesFrom(engines());
      try {
        const { connectors, problem } = await fresh.directory.list();
        const twins = connectors.filter((c) => c.name === `twin-${run}`);
        expect(twins.map((c) => c.engine)).toEqual(['default']);
        expect(problem).toContain(`Connector name "twin-${run}" is discovered on the engines default and second`);
      } finally {
        fresh.close();
      }
    });
  },
);

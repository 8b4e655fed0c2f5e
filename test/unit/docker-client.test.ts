import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerClient, modemOptions } from '../../src/integrations/docker/client.ts';
import { dockerEndpointOf } from '../../src/integrations/docker/endpoints.ts';
import { DockerEngines, isLocalEngine } from '../../src/integrations/docker/engines.ts';

describe('modemOptions: one engine\'s client from its settings alone', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('a unix socket, the default socket, and never what DOCKER_HOST in the environment says', () => {
    process.env.DOCKER_HOST = 'tcp://somewhere-else:2375';
    expect(modemOptions({ host: 'unix:///run/user/1000/docker.sock', tlsVerify: false })).toMatchObject({ socketPath: '/run/user/1000/docker.sock', host: undefined });
    expect(modemOptions({ tlsVerify: false })).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined });
  });

  it('tcp: http on 2375, https with TLS settings or on 2376, with the certificates of certPath', () => {
    expect(modemOptions({ host: 'tcp://10.0.0.5:2375', tlsVerify: false })).toMatchObject({ protocol: 'http', host: '10.0.0.5', port: '2375', socketPath: undefined });
    expect(modemOptions({ host: 'tcp://10.0.0.5:2376', tlsVerify: false })).toMatchObject({ protocol: 'https', port: '2376' });
    const dir = mkdtempSync(join(tmpdir(), 'cops-certs-'));
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, file), `${file} content`);
    const tls = modemOptions({ host: 'tcp://[::1]:12376', tlsVerify: true, certPath: dir });
    expect(tls).toMatchObject({ protocol: 'https', host: '::1', port: '12376' });
    expect(String(tls.ca)).toBe('ca.pem content');
    expect(String(tls.cert)).toBe('cert.pem content');
    expect(String(tls.key)).toBe('key.pem content');
  });

  it('ssh: user, host and port from the URL', () => {
    expect(modemOptions({ host: 'ssh://ops@edge.example.org:2222', tlsVerify: false })).toMatchObject({
      protocol: 'ssh',
      host: 'edge.example.org',
      port: '2222',
      username: 'ops',
    });
  });

  it('ssh: the agent is the one configuration read from SSH_AUTH_SOCK, not the environment of the process', () => {
    expect(modemOptions({ host: 'ssh://ops@edge.example.org', tlsVerify: false, sshAgent: '/run/user/1000/agent.sock' })).toMatchObject({ sshOptions: { agent: '/run/user/1000/agent.sock' } });
    const unset = modemOptions({ host: 'ssh://ops@edge.example.org', tlsVerify: false }) as { sshOptions?: { agent?: string } };
    expect(unset.sshOptions?.agent).toBeUndefined();
  });
});

describe('DockerEngines', () => {
  it('builds one client per engine, tells local from remote, and refuses an engine it does not know', () => {
    const engines = new DockerEngines([
      { name: 'default', tlsVerify: false },
      { name: 'edge', host: 'tcp://10.0.0.5:2376', tlsVerify: false },
    ]);
    expect(engines.all.map((e) => [e.name, e.local])).toEqual([
      ['default', true],
      ['edge', false],
    ]);
    expect(engines.get()).toBe(engines.get('default'));
    expect(() => engines.get('nope')).toThrow('no engine named "nope" is configured');
    expect(isLocalEngine('unix:///x.sock')).toBe(true);
    expect(isLocalEngine('ssh://u@h')).toBe(false);
  });
});

describe('createDockerClient: only the endpoints of DOCKER_ENDPOINTS reach the engine', () => {
  it('passes a listed call and refuses any other before it leaves the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cops-engine-'));
    const socketPath = join(dir, 'docker.sock');
    const received: string[] = [];
    const engine = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: '28.0.0', ApiVersion: '1.48' }));
    });
    await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
    try {
      const docker = createDockerClient({ host: `unix://${socketPath}`, tlsVerify: false });
      await expect(docker.version()).resolves.toMatchObject({ Version: '28.0.0' });
      await expect(docker.getContainer('main').restart()).rejects.toThrow(
        'connector-ops does not call the Docker endpoint POST /containers/main/restart: it is not in src/integrations/docker/endpoints.ts',
      );
      await expect(docker.listVolumes()).rejects.toThrow(/does not call the Docker endpoint GET \/volumes/);
      expect(received).toEqual(['GET /version']);
    } finally {
      await new Promise((resolve) => engine.close(resolve));
    }
  });

  it('knows an endpoint by method and path, whatever the API version prefix, query or image name', () => {
    expect(dockerEndpointOf('GET', '/v1.43/images/127.0.0.1:5000/nmshd/connector:7.4.6/json')?.path).toBe('/images/{name}/json');
    expect(dockerEndpointOf('DELETE', '/images/ghcr.io/nmshd/connector:7.4.5?')?.path).toBe('/images/{name}');
    expect(dockerEndpointOf('GET', '/containers/json?all=true')?.path).toBe('/containers/json');
    expect(dockerEndpointOf('POST', '/containers/abc/kill')).toBeUndefined();
    expect(dockerEndpointOf('GET', '/images/ghcr.io/x')).toBeUndefined();
  });
});

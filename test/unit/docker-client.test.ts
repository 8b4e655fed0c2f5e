import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modemOptions } from '../../src/integrations/docker/client.ts';
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
    expect(() => engines.get('nope')).toThrow('no Docker engine named "nope" is configured');
    expect(isLocalEngine('unix:///x.sock')).toBe(true);
    expect(isLocalEngine('ssh://u@h')).toBe(false);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';

const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-engines-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let files = 0;
function yamlFile(content: string): string {
  const path = join(tmp, `config-${++files}.yml`);
  writeFileSync(path, content);
  return path;
}

function certDir(name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  for (const file of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(join(dir, file), 'x');
  return dir;
}

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`configuration ${JSON.stringify(env)} was accepted`);
}

const certs = certDir('certs');

describe('loadConfig: the default engine', () => {
  it('is always first, named default, from DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', () => {
    expect(loadConfig({}).engines).toEqual([{ name: 'default', host: undefined, tlsVerify: false, certPath: undefined }]);
    const config = loadConfig({ DOCKER_HOST: 'tcp://docker-host:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });
    expect(config.engines).toEqual([{ name: 'default', host: 'tcp://docker-host:2376', tlsVerify: true, certPath: certs }]);
  });

  it('gives every engine the SSH agent of SSH_AUTH_SOCK, and none when it is unset', () => {
    const file = yamlFile('connectors:\n  - { name: a, container: c-a, docker: { host: "ssh://ops@edge-1" } }\n');
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file, DOCKER_HOST: 'ssh://ops@edge-0', SSH_AUTH_SOCK: '/run/user/1000/agent.sock' });
    expect(config.engines.map((e) => [e.name, e.sshAgent])).toEqual([['default', '/run/user/1000/agent.sock'], ['ssh://ops@edge-1', '/run/user/1000/agent.sock']]);
    expect(loadConfig({ DOCKER_HOST: 'ssh://ops@edge-0' }).engines[0]).not.toHaveProperty('sshAgent');
  });

  it('names DOCKER_TLS_VERIFY when it is not a yes or no', () => {
    expect(problemsOf({ DOCKER_TLS_VERIFY: 'maybe' })).toEqual(['DOCKER_TLS_VERIFY must be true or false, got "maybe"']);
  });

  it('holds the connector of the CONNECTOR_* variables and every connector without docker:', () => {
    const file = yamlFile('connectors:\n  - name: a\n    url: http://127.0.0.1:1\n');
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file, CONNECTOR_CONTAINER: 'connector' });
    expect(config.connectors.map((c) => [c.name, c.engine])).toEqual([['connector', 'default'], ['a', 'default']]);
  });
});

describe('loadConfig: connectors on further engines', () => {
  it('puts connectors naming one host on one engine, named after the host, in order of appearance', () => {
    const file = yamlFile(`connectors:
  - { name: a, container: c-a, docker: { host: "ssh://ops@edge-1" } }
  - { name: b, container: c-b, docker: { host: "tcp://docker-2:2376", tlsVerify: true, certPath: ${certs} } }
  - { name: c, container: c-c, docker: { host: "ssh://ops@edge-1" } }
  - { name: d, container: c-d }
`);
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file });
    expect(config.engines).toEqual([
      { name: 'default', host: undefined, tlsVerify: false, certPath: undefined },
      { name: 'ssh://ops@edge-1', host: 'ssh://ops@edge-1', tlsVerify: false, certPath: undefined },
      { name: 'tcp://docker-2:2376', host: 'tcp://docker-2:2376', tlsVerify: true, certPath: certs },
    ]);
    expect(config.connectors.map((c) => c.engine)).toEqual(['ssh://ops@edge-1', 'tcp://docker-2:2376', 'ssh://ops@edge-1', 'default']);
  });

  it('puts a connector naming the default engine’s host on the default engine', () => {
    const file = yamlFile('connectors:\n  - { name: a, container: c-a, docker: { host: "unix:///run/docker.sock" } }\n');
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: file, DOCKER_HOST: 'unix:///run/docker.sock' }).connectors[0]?.engine).toBe('default');
    const unset = yamlFile('connectors:\n  - { name: a, container: c-a, docker: { host: "unix:///var/run/docker.sock" } }\n');
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: unset });
    expect(config.connectors[0]?.engine).toBe('default');
    expect(config.engines).toHaveLength(1);
  });

  it('lets connectors that agree complete each other’s TLS settings', () => {
    const file = yamlFile(`connectors:
  - { name: a, container: c-a, docker: { host: "tcp://h:2376", tlsVerify: true } }
  - { name: b, container: c-b, docker: { host: "tcp://h:2376", certPath: ${certs} } }
`);
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: file }).engines[1]).toEqual({ name: 'tcp://h:2376', host: 'tcp://h:2376', tlsVerify: true, certPath: certs });
  });

  it('refuses contradictory TLS settings for one host, naming both connectors', () => {
    const other = certDir('other-certs');
    const file = yamlFile(`connectors:
  - { name: a, container: c-a, docker: { host: "tcp://h:2376", tlsVerify: true, certPath: ${certs} } }
  - { name: b, container: c-b, docker: { host: "tcp://h:2376", tlsVerify: false, certPath: ${other} } }
`);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([
      `CONNECTOR_OPS_CONFIG file ${file}: connectors[0] ("a").docker.tlsVerify and connectors[1] ("b").docker.tlsVerify give the engine at "tcp://h:2376" different tlsVerify (true and false); connectors on one host share its engine, so give them one tlsVerify`,
      `CONNECTOR_OPS_CONFIG file ${file}: connectors[0] ("a").docker.certPath and connectors[1] ("b").docker.certPath give the engine at "tcp://h:2376" different certPath (${JSON.stringify(certs)} and ${JSON.stringify(other)}); connectors on one host share its engine, so give them one certPath`,
    ]);
  });

  it('refuses a connector contradicting DOCKER_TLS_VERIFY for the default engine’s host', () => {
    const file = yamlFile('connectors:\n  - { name: a, container: c-a, docker: { host: "tcp://h:2375", tlsVerify: true } }\n');
    const [problem] = problemsOf({ CONNECTOR_OPS_CONFIG: file, DOCKER_HOST: 'tcp://h:2375', DOCKER_TLS_VERIFY: 'false' });
    expect(problem).toContain('DOCKER_TLS_VERIFY and connectors[0] ("a").docker.tlsVerify give the engine at "tcp://h:2375" different tlsVerify');
  });

  it('validates docker.host as DOCKER_HOST, and the TLS files of docker.certPath', () => {
    const file = yamlFile(`connectors:
  - { name: a, container: c-a, docker: { host: "tcp://[::1" } }
  - { name: b, container: c-b, docker: { host: "tcp://h:2376", certPath: ${join(tmp, 'none')} } }
  - { name: c, container: c-c, docker: { host: "unix:///run/docker.sock", certPath: ${join(tmp, 'none')} } }
  - { name: d, container: c-d, docker: { host: "tcp://h:2376", tls: true } }
`);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([
      `CONNECTOR_OPS_CONFIG file ${file}: connectors[0].docker.host must be unix:///path/to/docker.sock, tcp://host:port or ssh://user@host`,
      `CONNECTOR_OPS_CONFIG file ${file}: connectors[3].docker Unrecognized key: "tls"`,
    ]);
    const valid = yamlFile(`connectors:\n  - { name: b, container: c-b, docker: { host: "tcp://h:2376", certPath: ${join(tmp, 'none')} } }\n`);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: valid })).toEqual(
      ['ca.pem', 'cert.pem', 'key.pem'].map(
        (pem) => `CONNECTOR_OPS_CONFIG file ${valid}: connectors[0] ("b").docker.certPath names ${JSON.stringify(join(tmp, 'none'))}, whose ${pem} cannot be read (ENOENT)`,
      ),
    );
  });
});

describe('loadConfig: engines: in the YAML file', () => {
  it('adds engines to discover on, named after their host unless named, and a connector on one of their hosts uses it', () => {
    const file = yamlFile(`engines:
  - { name: edge, host: "ssh://ops@edge-1" }
  - { host: "tcp://docker-2:2376", tlsVerify: true, certPath: ${certs} }
connectors:
  - { name: a, container: c-a, docker: { host: "ssh://ops@edge-1" } }
`);
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: file });
    expect(config.engines.map((e) => e.name)).toEqual(['default', 'edge', 'tcp://docker-2:2376']);
    expect(config.engines[2]).toEqual({ name: 'tcp://docker-2:2376', host: 'tcp://docker-2:2376', tlsVerify: true, certPath: certs });
    expect(config.connectors[0]?.engine).toBe('edge');
    expect(config.connectors).toHaveLength(1);
  });

  it('reads an empty engines: as none', () => {
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: yamlFile('engines:\n#  - host: ssh://old\n') }).engines).toHaveLength(1);
  });

  it('refuses two engines of one name, naming both, and the reserved name default', () => {
    const file = yamlFile(`engines:
  - { name: edge, host: "ssh://ops@edge-1" }
  - { name: edge, host: "ssh://ops@edge-2" }
  - { name: default, host: "ssh://ops@edge-3" }
connectors:
  - { name: a, container: c-a, docker: { host: "ssh://ops@edge-4" } }
  - { name: b, container: c-b, docker: { host: "edge" } }
`);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([
      `CONNECTOR_OPS_CONFIG file ${file}: engines[0] and engines[1] both name an engine "edge"; give each engine its own name`,
      `CONNECTOR_OPS_CONFIG file ${file}: engines[2] names an engine "default", which is reserved for the engine of DOCKER_HOST; give it another name`,
      `CONNECTOR_OPS_CONFIG file ${file}: engines[0] and connectors[1] ("b").docker.host both name an engine "edge"; give each engine its own name`,
    ]);
  });

  it('refuses a host listed twice, or the default engine’s host', () => {
    const file = yamlFile(`engines:
  - { host: "ssh://ops@edge-1" }
  - { name: again, host: "ssh://ops@edge-1" }
  - { host: "unix:///var/run/docker.sock" }
`);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([
      `CONNECTOR_OPS_CONFIG file ${file}: engines[0] and engines[1] both have host "ssh://***@edge-1"; list each engine once`,
      `CONNECTOR_OPS_CONFIG file ${file}: engines[2] has host "unix:///var/run/docker.sock", the default engine's (DOCKER_HOST); list only further engines`,
    ]);
  });

  it('names engines[i].certPath whose TLS files are missing', () => {
    const file = yamlFile(`engines:
  - { host: "tcp://h:2376", certPath: ${join(tmp, 'none')} }
`);
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems[0]).toBe(`CONNECTOR_OPS_CONFIG file ${file}: engines[0].certPath names ${JSON.stringify(join(tmp, 'none'))}, whose ca.pem cannot be read (ENOENT)`);
  });

  it('refuses a password in an engine host, naming the path and never the value', () => {
    const file = yamlFile(`engines:
  - { host: "tcp://ops:engine-secret-pw@h:2376" }
connectors:
  - { name: a, container: ca, docker: { host: "ssh://ops:engine-secret-pw@h" } }
`);
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`CONNECTOR_OPS_CONFIG file ${file}: engines[0].host must not carry a password, and a user only in ssh://user@host`),
        expect.stringContaining(`CONNECTOR_OPS_CONFIG file ${file}: connectors[0].docker.host must not carry a password, and a user only in ssh://user@host`),
      ]),
    );
    expect(problems.join('\n')).not.toContain('engine-secret-pw');
  });
});

describe('loadConfig: the YAML file beyond connectors', () => {
  it('refuses an unknown top-level key, naming the sections there are', () => {
    const file = yamlFile('engine:\n  - host: ssh://ops@edge-1\n');
    const [problem] = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problem).toMatch(new RegExp(`^CONNECTOR_OPS_CONFIG file ${file}: \\(top level\\) has unknown key "engine"; the sections are .*engines`));
  });

  it('refuses a misspelt check setting, and reads an empty checks: as none', () => {
    const file = yamlFile('checks:\n  errorLogs: { windowHour: 3 }\n');
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([`CONNECTOR_OPS_CONFIG file ${file}: checks.errorLogs Unrecognized key: "windowHour"`]);
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: yamlFile('checks:\n  timeoutMs:\n') }).checks.timeoutMs).toBe(10_000);
  });

  it('reads every check setting from the file, the environment winning', () => {
    const file = yamlFile(`checks:
  resources: { paths: [/data], memory: { critical: 95 } }
  errorLogs: { timeoutMs: 90000 }
  imageUpdate: { includePrereleases: true }
  sync: { intervalMultiple: 3, maxAgeMinutes: 30 }
  versions: { minDockerVersion: "25.0", minKernel: "6.1" }
`);
    const { checks } = loadConfig({ CONNECTOR_OPS_CONFIG: file, SYNC_MAX_AGE_MINUTES: '45' });
    expect(checks.resources.paths).toEqual(['/data']);
    expect(checks.resources.memory).toEqual({ warn: 80, critical: 95 });
    expect(checks.errorLogs).toEqual({ windowHours: 24, timeoutMs: 90_000 });
    expect(checks.imageUpdate.includePrereleases).toBe(true);
    expect(checks.sync).toEqual({ intervalMultiple: 3, maxAgeMinutes: 45 });
    expect(checks.versions).toEqual({ minDockerVersion: '25.0', minKernel: '6.1' });
  });

  it('names where each side of a contradictory threshold comes from', () => {
    const file = yamlFile('checks:\n  resources: { cpu: { critical: 70 } }\n');
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file, CPU_WARN_PERCENT: '75' })).toEqual([
      `CPU_WARN_PERCENT (75) must not be above checks.resources.cpu.critical (70) in ${file}`,
    ]);
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([`CONNECTOR_OPS_CONFIG file ${file}: checks.resources.cpu warn must not be above critical`]);
  });

  it('gives each Config its own copy of a list default', () => {
    loadConfig({}).checks.resources.paths.push('/changed');
    expect(loadConfig({}).checks.resources.paths).toEqual([]);
  });
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig, withDotEnv } from '../../src/config/load.ts';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/config');
const tmp = mkdtempSync(join(tmpdir(), 'connector-ops-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tmpFile(name: string, content: string): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

/** The problems of a configuration that must fail; fails the test when it loads. */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    // The message printed at start holds every problem.
    for (const problem of configError.problems) expect(configError.message).toContain(problem);
    return configError.problems;
  }
  throw new Error(`configuration ${JSON.stringify(env)} was accepted`);
}

describe('loadConfig: defaults', () => {
  it('gives every setting its documented default from an empty environment', () => {
    const config = loadConfig({});
    expect(config.dataDir).toBe(join(homedir(), '.local', 'state', 'connector-ops'));
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.log).toEqual({ level: 'info', format: 'auto' });
    expect(config.connectors).toEqual([]);
    expect(config.checks.timeoutMs).toBe(10_000);
    expect(config.checks.concurrency).toBe(20);
    expect(config.checks.resources.cpu).toEqual({ warn: 80, critical: 90 });
    expect(config.checks.resources.memory).toEqual({ warn: 80, critical: 90 });
    expect(config.checks.resources.disk).toEqual({ warn: 80, critical: 90 });
    expect(config.checks.errorLogs.windowHours).toBe(24);
    expect(config.checks.imageUpdate.includePrereleases).toBe(false);
    expect(config.registries).toEqual({});
    expect(config.secrets).toEqual([]);
  });

  it("keeps the store in the user's state directory, never in the working directory", () => {
    expect(loadConfig({ HOME: '/home/ops' }).dataDir).toBe('/home/ops/.local/state/connector-ops');
    expect(loadConfig({ HOME: '/home/ops', XDG_STATE_HOME: '/var/state/ops' }).dataDir).toBe('/var/state/ops/connector-ops');
    // The XDG specification: a relative path in XDG_STATE_HOME is invalid and ignored.
    expect(loadConfig({ HOME: '/home/ops', XDG_STATE_HOME: 'state' }).dataDir).toBe('/home/ops/.local/state/connector-ops');
    expect(loadConfig({ HOME: '/home/ops', DATA_DIR: './data' }).dataDir).toBe(resolve('./data'));
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ HTTP_PORT: '', CONNECTOR_URL: '', LOG_LEVEL: '  ' }).http.port).toBe(3000);
  });

  it('reads the bot settings', () => {
    const config = loadConfig({
      DATA_DIR: join(tmp, 'data'),
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: '0',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      CHECK_TIMEOUT_MS: '2500',
      CHECK_CONCURRENCY: '8',
      DISK_WARN_PERCENT: '70',
      DISK_CRITICAL_PERCENT: '85',
      DISK_PATHS: '/var/lib/docker, /data ,',
      INCLUDE_PRERELEASES: 'yes',
    });
    expect(config.dataDir).toBe(join(tmp, 'data'));
    expect(config.http).toEqual({ host: '0.0.0.0', port: 0 });
    expect(config.log).toEqual({ level: 'debug', format: 'json' });
    expect(config.checks.timeoutMs).toBe(2500);
    expect(config.checks.concurrency).toBe(8);
    expect(config.checks.resources.disk).toEqual({ warn: 70, critical: 85 });
    expect(config.checks.resources.paths).toEqual(['/var/lib/docker', '/data']);
    expect(config.checks.imageUpdate.includePrereleases).toBe(true);
  });
});

describe('loadConfig: the connector from the environment', () => {
  it('builds one connector from CONNECTOR_* variables', () => {
    const config = loadConfig({
      CONNECTOR_NAME: 'main',
      CONNECTOR_CONTAINER: '/connector',
      CONNECTOR_URL: 'http://127.0.0.1:8080',
      CONNECTOR_API_KEY: 'env-api-key-123456',
      CONNECTOR_MONGODB_URI: 'mongodb://u:env-mongo-pw@db:27017/?replicaSet=rs0',
      CONNECTOR_LOG_FILES: '/logs/a.log,/logs/b.log',
    });
    expect(config.connectors).toEqual([
      {
        name: 'main',
        container: 'connector',
        url: 'http://127.0.0.1:8080',
        apiKey: 'env-api-key-123456',
        apiKeyHeader: 'X-API-KEY',
        mongodbUri: 'mongodb://u:env-mongo-pw@db:27017/?replicaSet=rs0',
        logFiles: ['/logs/a.log', '/logs/b.log'],
        thirdParty: [],
        backupPath: undefined,
        diskPaths: [],
        source: 'config',
        engine: 'default',
      },
    ]);
    expect(config.secrets).toEqual(
      expect.arrayContaining(['env-api-key-123456', 'mongodb://u:env-mongo-pw@db:27017/?replicaSet=rs0']),
    );
  });

  it('names the connector after its container when CONNECTOR_NAME is not set', () => {
    expect(loadConfig({ CONNECTOR_CONTAINER: 'connector-1' }).connectors[0]?.name).toBe('connector-1');
    expect(loadConfig({ CONNECTOR_URL: 'https://c.example.com' }).connectors[0]?.name).toBe('connector');
  });

  it('refuses CONNECTOR_* settings that no container or URL anchors, rather than ignoring them', () => {
    expect(problemsOf({ CONNECTOR_NAME: 'main' })).toEqual([
      'CONNECTOR_NAME is set, but CONNECTOR_CONTAINER and CONNECTOR_URL are not; set at least one of them',
    ]);
    expect(problemsOf({ CONNECTOR_NAME: 'main', CONNECTOR_API_KEY: 'k-1234567' })[0]).toMatch(/^CONNECTOR_NAME, CONNECTOR_API_KEY are set/);
  });

  it('rejects a URL without scheme with exactly the documented message', () => {
    expect(problemsOf({ CONNECTOR_URL: 'localhost:8080' })).toEqual([
      'CONNECTOR_URL must be an http(s) URL, got "localhost:8080"',
    ]);
  });

  it.each([
    ['HTTP_PORT', 'abc', 'HTTP_PORT must be a port number, got "abc"'],
    ['HTTP_PORT', '70000', 'HTTP_PORT must be a port number from 0 to 65535, got "70000"'],
    ['HTTP_PORT', '80.5', 'HTTP_PORT must be a whole number, got "80.5"'],
    ['CPU_WARN_PERCENT', 'lots', 'CPU_WARN_PERCENT must be a number, got "lots"'],
    ['DISK_CRITICAL_PERCENT', '101', 'DISK_CRITICAL_PERCENT must be a percentage from 1 to 100, got "101"'],
    ['CHECK_TIMEOUT_MS', '0', 'CHECK_TIMEOUT_MS must be greater than 0, got "0"'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"'],
    ['CONNECTOR_CONTAINER', 'my connector', 'CONNECTOR_CONTAINER must be a container name or id, got "my connector"'],
    ['INCLUDE_PRERELEASES', 'maybe', 'INCLUDE_PRERELEASES must be true or false, got "maybe"'],
  ])('%s=%s is refused: %s', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it('refuses a warn threshold above the critical one', () => {
    expect(problemsOf({ MEMORY_WARN_PERCENT: '95', MEMORY_CRITICAL_PERCENT: '90' })).toEqual([
      'MEMORY_WARN_PERCENT (95) must not be above MEMORY_CRITICAL_PERCENT (90)',
    ]);
    expect(problemsOf({ CPU_WARN_PERCENT: '95' })).toEqual(['CPU_WARN_PERCENT (95) must not be above CPU_CRITICAL_PERCENT (90)']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ CONNECTOR_URL: 'ftp://x', HTTP_PORT: 'x', LOG_FORMAT: 'xml' });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/CONNECTOR_URL[\s\S]*HTTP_PORT|HTTP_PORT[\s\S]*CONNECTOR_URL/);
    expect(problems.join('\n')).toContain('LOG_FORMAT must be one of json, pretty, auto, got "xml"');
  });

  it('never echoes a secret value in a problem', () => {
    const problems = problemsOf({
      CONNECTOR_MONGODB_URI: 'postgres://admin:db-secret-pw@db/x',
      CONNECTOR_URL: 'ftp://ops:url-secret-pw@files.example.com',
    });
    const text = problems.join('\n');
    expect(text).toContain('CONNECTOR_MONGODB_URI must be a MongoDB connection string');
    expect(text).toContain('CONNECTOR_URL must be an http(s) URL');
    expect(text).not.toContain('db-secret-pw');
    expect(text).not.toContain('url-secret-pw');
  });
});

describe('loadConfig: credentials in URLs', () => {
  it('masks the password of a URL without a scheme in the problem it quotes', () => {
    const problems = problemsOf({ CONNECTOR_URL: 'admin:s3cret-pw@connector.local:8080' });
    expect(problems).toEqual(['CONNECTOR_URL must be an http(s) URL, got "admin:***@connector.local:8080"']);
  });

  it('refuses credentials where they do not belong, saying where they do, and shows the URL masked', () => {
    expect(problemsOf({ CONNECTOR_URL: 'http://admin:s3cret-pw@connector.local:8080' })).toEqual([
      'CONNECTOR_URL must not carry credentials (user:password@): the Connector\'s API key belongs in CONNECTOR_API_KEY, got "http://admin:***@connector.local:8080"',
    ]);
    const slack = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl', SLACK_APP_TOKEN: 'xapp-1-A0123-4444-abcdefghijkl', SLACK_API_URL: 'https://u:s3cret-pw@slack.example.com/api/' });
    expect(slack).toEqual(['SLACK_API_URL must not carry credentials (user:password@): Slack takes its tokens from SLACK_BOT_TOKEN and SLACK_APP_TOKEN, got "https://u:***@slack.example.com/api/"']);
    const registry = problemsOf({ REGISTRY_HOST: 'https://ops:s3cret-pw@registry.example.com' });
    expect(registry).toEqual(['REGISTRY_HOST must not carry credentials (user:password@): they belong in REGISTRY_USERNAME and REGISTRY_PASSWORD, got "https://ops:***@registry.example.com"']);
    expect(problemsOf({ REGISTRY_HOST: 'ops:s3cret-pw@registry.example.com' })).toEqual([
      'REGISTRY_HOST must be a registry host such as ghcr.io or registry.example.com:5000, got "ops:***@registry.example.com"',
    ]);
  });

  it('takes a user but no password in DOCKER_HOST, and a user only for ssh://', () => {
    expect(loadConfig({ DOCKER_HOST: 'ssh://ops@docker-1.example.com' }).engines[0]?.host).toBe('ssh://ops@docker-1.example.com');
    const sshPassword = problemsOf({ DOCKER_HOST: 'ssh://ops:s3cret-pw@docker-1.example.com' });
    expect(sshPassword).toEqual([expect.stringMatching(/^DOCKER_HOST must not carry a password, and a user only in ssh:\/\/user@host: .*SSH agent.*DOCKER_CERT_PATH.*, got "ssh:\/\/ops:\*\*\*@docker-1.example.com"$/)]);
    expect(problemsOf({ DOCKER_HOST: 'tcp://ops@docker-1.example.com:2376' })[0]).toMatch(/^DOCKER_HOST must not carry a password, and a user only in ssh:\/\/user@host/);
    // docker reads an address without a scheme as tcp://
    expect(problemsOf({ DOCKER_HOST: 'ops:s3cret-pw@docker-1.example.com:2375' })[0]).toMatch(/got "ops:\*\*\*@docker-1.example.com:2375"$/);
  });

  it('refuses credentials in a connector url of the YAML file, naming the path and where the key belongs', () => {
    const file = tmpFile('url-credentials.yml', 'connectors:\n  - name: a\n    url: https://admin:s3cret-pw@connector.example.com\n');
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toEqual([`CONNECTOR_OPS_CONFIG file ${file}: connectors[0].url must not carry credentials (user:password@): the Connector's API key belongs in apiKey or apiKeyFile`]);
  });

  it('leaves credentials where they belong: a MongoDB URI and the URLs of third-party systems', () => {
    const config = loadConfig({
      CONNECTOR_URL: 'http://connector.local:8080',
      CONNECTOR_MONGODB_URI: 'mongodb://ops:db-pw-123@db:27017/?replicaSet=rs0',
      CONNECTOR_THIRD_PARTY: 'amqp://ops:broker-pw@broker:5672',
    });
    expect(config.connectors[0]).toMatchObject({ mongodbUri: 'mongodb://ops:db-pw-123@db:27017/?replicaSet=rs0', thirdParty: ['amqp://ops:broker-pw@broker:5672'] });
  });

  it('never prints a password of any value it quotes', () => {
    const text = problemsOf({
      CONNECTOR_URL: 'ops:pw-one-1@c:1',
      SLACK_API_URL: 'https://ops:pw-two-2@slack.example.com/',
      REGISTRY_HOST: 'ops:pw-three-3@r',
      DOCKER_HOST: 'ssh://ops:pw-four-4@d',
      CONNECTOR_OPS_OPERATORS: 'https://ops:pw-five-5@nowhere',
      SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl',
      SLACK_APP_TOKEN: 'xapp-1-A0123-4444-abcdefghijkl',
    }).join('\n');
    expect(text).not.toMatch(/pw-(one|two|three|four|five)/);
  });
});

describe('loadConfig: *_FILE secrets', () => {
  it('reads the secret from the file, trimmed, and adds it to the secrets', () => {
    const keyFile = tmpFile('api-key', '  file-api-key-987654\n');
    const uriFile = tmpFile('mongo-uri', 'mongodb://u:file-mongo-pw@db:27017/\n');
    const config = loadConfig({
      CONNECTOR_URL: 'http://127.0.0.1:8080',
      CONNECTOR_API_KEY_FILE: keyFile,
      CONNECTOR_MONGODB_URI_FILE: uriFile,
    });
    expect(config.connectors[0]?.apiKey).toBe('file-api-key-987654');
    expect(config.connectors[0]?.mongodbUri).toBe('mongodb://u:file-mongo-pw@db:27017/');
    expect(config.secrets).toEqual(expect.arrayContaining(['file-api-key-987654', 'mongodb://u:file-mongo-pw@db:27017/']));
  });

  it('names a missing file', () => {
    const missing = join(tmp, 'no-such-secret');
    expect(problemsOf({ CONNECTOR_URL: 'http://h', CONNECTOR_API_KEY_FILE: missing })).toEqual([
      `CONNECTOR_API_KEY_FILE names "${missing}", which cannot be read (ENOENT)`,
    ]);
  });

  it('names an empty file', () => {
    const empty = tmpFile('empty-secret', '\n  \n');
    expect(problemsOf({ REGISTRY_HOST: 'ghcr.io', REGISTRY_PASSWORD_FILE: empty })).toEqual([
      `REGISTRY_PASSWORD_FILE names "${empty}", which is empty`,
    ]);
  });

  it('refuses the variable and its _FILE together, without showing either value', () => {
    const keyFile = tmpFile('api-key-2', 'file-api-key-both');
    const problems = problemsOf({ CONNECTOR_URL: 'http://h', CONNECTOR_API_KEY: 'env-api-key-both', CONNECTOR_API_KEY_FILE: keyFile });
    expect(problems).toEqual(['CONNECTOR_API_KEY and CONNECTOR_API_KEY_FILE are both set; set only one']);
  });

  it('ignores _FILE for variables that are not secrets', () => {
    const portFile = tmpFile('port', '4000');
    expect(loadConfig({ HTTP_PORT_FILE: portFile }).http.port).toBe(3000);
  });
});

describe('loadConfig: the YAML file of connectors', () => {
  it('reads several connectors, check settings and registries, and collects their secrets', () => {
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: join(FIXTURES, 'connectors.yml') });
    expect(config.connectors.map((c) => c.name)).toEqual(['prod', 'test']);
    expect(config.connectors[0]).toMatchObject({
      container: 'connector-prod',
      url: 'https://connector.example.com',
      apiKey: 'yaml-prod-api-key-0001',
      apiKeyHeader: 'X-API-KEY',
      logFiles: ['/var/log/connector/*.log'],
      thirdParty: ['amqp://broker:5672'],
      backupPath: '/backups/prod',
      source: 'config',
    });
    expect(config.connectors[1]).toMatchObject({ url: 'http://127.0.0.1:8081', apiKeyHeader: 'X-Custom-Key', apiKey: undefined });
    expect(config.checks.timeoutMs).toBe(5000);
    expect(config.checks.concurrency).toBe(2);
    expect(config.checks.resources.disk).toEqual({ warn: 70, critical: 85 });
    expect(config.checks.resources.cpu).toEqual({ warn: 80, critical: 90 });
    expect(config.checks.errorLogs.windowHours).toBe(12);
    expect(config.registries['ghcr.io']).toEqual({ username: 'ops', password: 'yaml-registry-pw', insecure: false });
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        'yaml-prod-api-key-0001',
        'mongodb://ops:yaml-mongo-pw@db1:27017,db2:27017/connector?replicaSet=rs0',
        'yaml-registry-pw',
      ]),
    );
  });

  it('lets the environment override the file’s check settings', () => {
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: join(FIXTURES, 'connectors.yml'), CHECK_TIMEOUT_MS: '7000' });
    expect(config.checks.timeoutMs).toBe(7000);
  });

  it('puts the connector from the environment first, next to those of the file', () => {
    const config = loadConfig({
      CONNECTOR_OPS_CONFIG: join(FIXTURES, 'connectors.yml'),
      CONNECTOR_NAME: 'local',
      CONNECTOR_CONTAINER: 'connector',
    });
    expect(config.connectors.map((c) => c.name)).toEqual(['local', 'prod', 'test']);
  });

  it('refuses an environment connector with the name of one in the file', () => {
    const file = join(FIXTURES, 'connectors.yml');
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file, CONNECTOR_NAME: 'prod', CONNECTOR_URL: 'http://h' })).toEqual([
      `CONNECTOR_NAME "prod" is also a connector in ${file}; give each connector one name`,
    ]);
  });

  it('refuses unknown keys and names where they are, without the secret-looking value', () => {
    const file = join(FIXTURES, 'unknown-key.yml');
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`CONNECTOR_OPS_CONFIG file ${file}: connectors[0]`);
    expect(problems[0]).toContain('"apikey"');
    expect(problems[0]).not.toContain('typo-in-the-key-name');
  });

  it('names each bad value with its path', () => {
    const file = join(FIXTURES, 'bad-values.yml');
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toEqual(
      expect.arrayContaining([
        `CONNECTOR_OPS_CONFIG file ${file}: connectors[0].url must be an http(s) URL`,
        `CONNECTOR_OPS_CONFIG file ${file}: connectors[1] needs a container, a url, or both`,
        `CONNECTOR_OPS_CONFIG file ${file}: checks.resources.cpu warn must not be above critical`,
      ]),
    );
  });

  it('refuses duplicate connector names', () => {
    const file = join(FIXTURES, 'duplicate-names.yml');
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: file })).toEqual([`connector name "prod" appears more than once in ${file}`]);
  });

  it('refuses a file that is not YAML', () => {
    const file = join(FIXTURES, 'invalid.yml');
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^CONNECTOR_OPS_CONFIG file ${file} is not valid YAML: \\S`));
  });

  it('names a file that cannot be read', () => {
    const missing = join(tmp, 'missing.yml');
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: missing })).toEqual([
      `CONNECTOR_OPS_CONFIG names "${missing}", which cannot be read (ENOENT)`,
    ]);
    const unreadable = tmpFile('unreadable.yml', 'connectors: []\n');
    chmodSync(unreadable, 0o000);
    // root reads anything; the check only means something for other users.
    if (process.getuid?.() !== 0) {
      expect(problemsOf({ CONNECTOR_OPS_CONFIG: unreadable })).toEqual([
        `CONNECTOR_OPS_CONFIG names "${unreadable}", which cannot be read (EACCES)`,
      ]);
    }
    const directory = tmp;
    expect(problemsOf({ CONNECTOR_OPS_CONFIG: directory })).toEqual([
      `CONNECTOR_OPS_CONFIG names "${directory}", which cannot be read (EISDIR)`,
    ]);
  });

  it('reads apiKeyFile and mongodbUriFile of a file connector', () => {
    const key = tmpFile('yaml-key', 'yaml-file-api-key-55\n');
    const file = tmpFile(
      'with-files.yml',
      `connectors:\n  - name: a\n    url: http://127.0.0.1:1\n    apiKeyFile: ${key}\n    mongodbUriFile: ${join(tmp, 'nope')}\n`,
    );
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: file });
    expect(problems).toEqual([`connectors "a" mongodbUriFile names "${join(tmp, 'nope')}", which cannot be read (ENOENT)`]);
    const ok = tmpFile('with-key.yml', `connectors:\n  - name: a\n    url: http://127.0.0.1:1\n    apiKeyFile: ${key}\n`);
    const config = loadConfig({ CONNECTOR_OPS_CONFIG: ok });
    expect(config.connectors[0]?.apiKey).toBe('yaml-file-api-key-55');
    expect(config.secrets).toContain('yaml-file-api-key-55');
  });
});

describe('loadConfig: registries', () => {
  it('takes REGISTRY_* credentials for a host, also with a port', () => {
    for (const host of ['ghcr.io', 'registry.example.com:5000', '127.0.0.1:5000']) {
      const config = loadConfig({ REGISTRY_HOST: host, REGISTRY_USERNAME: 'ops', REGISTRY_PASSWORD: 'env-registry-pw' });
      expect(config.registries[host]).toEqual({ username: 'ops', password: 'env-registry-pw', insecure: false });
      expect(config.secrets).toContain('env-registry-pw');
    }
  });

  it('marks REGISTRY_INSECURE hosts', () => {
    const config = loadConfig({ REGISTRY_INSECURE: 'registry.local:5000, other.local' });
    expect(config.registries['registry.local:5000']?.insecure).toBe(true);
    expect(config.registries['other.local']?.insecure).toBe(true);
  });

  it('refuses credentials without a host, and a host that is none', () => {
    expect(problemsOf({ REGISTRY_USERNAME: 'ops', REGISTRY_PASSWORD: 'pw-123456' })).toEqual([
      'REGISTRY_USERNAME and REGISTRY_PASSWORD need REGISTRY_HOST (e.g. ghcr.io)',
    ]);
    const [problem] = problemsOf({ REGISTRY_HOST: 'not a host' });
    expect(problem).toMatch(/^REGISTRY_HOST must be a registry host/);
  });
});

describe('loadConfig: Docker variables', () => {
  it('accepts what the docker CLI accepts in DOCKER_HOST', () => {
    for (const host of ['unix:///run/user/1000/docker.sock', 'tcp://10.0.0.5:2375', 'ssh://ops@docker-host', 'docker-host:2375', 'tcp://[::1]:2376']) {
      expect(() => loadConfig({ DOCKER_HOST: host }), host).not.toThrow();
    }
  });

  it('names DOCKER_HOST when it cannot be read as an address', () => {
    expect(problemsOf({ DOCKER_HOST: 'tcp://[::1' })).toEqual([
      'DOCKER_HOST must be unix:///path/to/docker.sock, tcp://host:port or ssh://user@host, got "tcp://[::1"',
    ]);
  });

  it('names DOCKER_CERT_PATH when the TLS files of a tcp engine are not there', () => {
    const dir = mkdtempSync(join(tmp, 'certs-'));
    writeFileSync(join(dir, 'ca.pem'), 'x');
    expect(problemsOf({ DOCKER_HOST: 'tcp://docker-host:2376', DOCKER_CERT_PATH: dir })).toEqual([
      `DOCKER_CERT_PATH names ${JSON.stringify(dir)}, whose cert.pem cannot be read (ENOENT)`,
      `DOCKER_CERT_PATH names ${JSON.stringify(dir)}, whose key.pem cannot be read (ENOENT)`,
    ]);
    // A local socket does not use them.
    expect(() => loadConfig({ DOCKER_HOST: 'unix:///var/run/docker.sock', DOCKER_CERT_PATH: dir })).not.toThrow();
  });
});

describe('withDotEnv', () => {
  it('adds the variables of .env in the given directory; the real environment wins', () => {
    const dir = mkdtempSync(join(tmp, 'dotenv-'));
    writeFileSync(
      join(dir, '.env'),
      '# comment\nCONNECTOR_URL=http://127.0.0.1:9999\nHTTP_PORT=4000\nCONNECTOR_API_KEY="quoted key value"\n',
    );
    const env = withDotEnv({ HTTP_PORT: '5000', OTHER: 'x' }, dir);
    expect(env).toMatchObject({ CONNECTOR_URL: 'http://127.0.0.1:9999', HTTP_PORT: '5000', OTHER: 'x', CONNECTOR_API_KEY: 'quoted key value' });
    const config = loadConfig(env);
    expect(config.http.port).toBe(5000);
    expect(config.connectors[0]?.url).toBe('http://127.0.0.1:9999');
  });

  it('returns the environment unchanged without a .env file', () => {
    const dir = mkdtempSync(join(tmp, 'no-dotenv-'));
    const env = { A: '1' };
    expect(withDotEnv(env, dir)).toEqual({ A: '1' });
  });
});

describe('loadConfig: old-material retention', () => {
  it('defaults to 30 days, takes the environment over the file, and refuses a non-number', () => {
    expect(loadConfig({}).checks.oldMaterial).toEqual({ logRetentionDays: 30, backupRetentionDays: 30 });
    const file = tmpFile('retention.yml', 'checks:\n  oldMaterial: { logRetentionDays: 7, backupRetentionDays: 90 }\n');
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: file, LOG_RETENTION_DAYS: '14' }).checks.oldMaterial).toEqual({
      logRetentionDays: 14,
      backupRetentionDays: 90,
    });
    expect(problemsOf({ BACKUP_RETENTION_DAYS: 'month' })).toEqual(['BACKUP_RETENTION_DAYS must be a number, got "month"']);
  });
});

describe('the example configuration in examples/connector-ops.yml', () => {
  it('is valid: its only problems are the secret files that exist on a real host only', () => {
    const example = resolve(import.meta.dirname, '../../examples/connector-ops.yml');
    const problems = problemsOf({ CONNECTOR_OPS_CONFIG: example });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/File names "\/run\/secrets\/[a-z_]+", which cannot be read \(ENOENT\)$/);
  });
});

describe('loadConfig: a YAML file whose connectors are all commented out', () => {
  it('reads `connectors:` with nothing under it as no connectors, so discovery runs', () => {
    const file = tmpFile('empty-connectors.yml', 'connectors:\n#  - name: old\n#    container: old\n');
    expect(loadConfig({ CONNECTOR_OPS_CONFIG: file }).connectors).toEqual([]);
  });
});

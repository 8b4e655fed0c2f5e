import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SETTINGS } from '../../src/config/settings.ts';
import { DOCKER_ENDPOINTS, type DockerEndpoint } from '../../src/integrations/docker/endpoints.ts';
import { configProblems } from '../support/builders.ts';
import { unitSettings } from '../support/systemd-unit.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../examples');

/** A file of examples/ parsed as what its name says; a kind this test does not know fails it. */
function parsed(file: string): unknown {
  const text = readFileSync(join(EXAMPLES, file), 'utf8');
  if (/\.ya?ml$/.test(file)) {
    const documents = parseAllDocuments(text);
    if (!Array.isArray(documents)) return undefined;
    const errors = documents.flatMap((document) => [...document.errors, ...document.warnings].map((e) => `${file}: ${e.message}`));
    expect(errors).toEqual([]);
    expect(documents).toHaveLength(1);
    return documents[0]!.toJS();
  }
  if (file.endsWith('.json')) return JSON.parse(text);
  if (file.endsWith('.service')) return unitSettings(text);
  throw new Error(`examples/${file}: this test does not know how to check this kind of file; teach it`);
}

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

const compose = parsed('compose.yml') as { services: Record<string, Mapping>; secrets: Record<string, Mapping>; volumes: Record<string, unknown> };

/** The keys of a Compose service this file may use (Compose Specification); a typo or a misplaced key fails. */
const SERVICE_KEYS = new Set(['image', 'build', 'command', 'container_name', 'environment', 'volumes', 'healthcheck', 'depends_on', 'ports', 'secrets', 'restart', 'user', 'read_only']);

/** The section of tecnativa/docker-socket-proxy that lets a path through: its first segment, upper-cased. */
function proxySection(endpoint: DockerEndpoint): string {
  return endpoint.path.split('/')[1]!.replace(/^_/, '').toUpperCase();
}

describe('examples/', () => {
  it('every file parses as what its name says', () => {
    const files = readdirSync(EXAMPLES);
    expect(files).toEqual(expect.arrayContaining(['compose.yml', 'connector-ops.yml']));
    for (const file of files) expect(parsed(file), file).toBeDefined();
  });

  it('connector-ops.yml is a valid CONNECTOR_OPS_CONFIG file, short only of the secret files it names', () => {
    const problems = configProblems({ CONNECTOR_OPS_CONFIG: join(EXAMPLES, 'connector-ops.yml') });
    expect(problems.filter((problem) => !/names "\/run\/secrets\/[\w-]+", which cannot be read \(ENOENT\)$/.test(problem))).toEqual([]);
  });
});

describe('examples/compose.yml', () => {
  it('has the bot, the socket proxy, the Connector and its MongoDB, each a well-formed service', () => {
    expect(Object.keys(compose).sort()).toEqual(['secrets', 'services', 'volumes']);
    expect(Object.keys(compose.services).sort()).toEqual(['connector', 'connector-ops', 'docker-proxy', 'mongodb']);
    for (const [name, service] of Object.entries(compose.services)) {
      expect(Object.keys(service).filter((key) => !SERVICE_KEYS.has(key)), name).toEqual([]);
      expect('image' in service || 'build' in service, name).toBe(true);
      const environment = service.environment ?? {};
      expect(isMapping(environment), `${name}: environment is a mapping`).toBe(true);
      for (const [variable, value] of Object.entries(environment as Mapping)) expect(['string', 'number', 'boolean'], `${name}: ${variable}`).toContain(typeof value);
      for (const secret of (service.secrets as string[] | undefined) ?? []) expect(compose.secrets[secret], `${name}: secret ${secret}`).toMatchObject({ file: expect.any(String) });
      for (const volume of (service.volumes as string[] | undefined) ?? []) {
        const source = volume.split(':')[0]!;
        if (!/^[./$]/.test(source)) expect(Object.keys(compose.volumes), `${name}: volume ${source}`).toContain(source);
      }
      const dependencies = Array.isArray(service.depends_on) ? service.depends_on : Object.keys((service.depends_on as Mapping | undefined) ?? {});
      for (const dependency of dependencies as string[]) expect(Object.keys(compose.services), `${name} depends on ${dependency}`).toContain(dependency);
    }
  });

  it('sets for the bot only variables of the settings table, secrets through their files', () => {
    const bot = compose.services['connector-ops']!;
    const environment = bot.environment as Mapping;
    for (const [variable, value] of Object.entries(environment)) {
      const setting = Object.values(SETTINGS).find((s) => s.env === variable || (s.secret && `${s.env}_FILE` === variable));
      expect(setting, `${variable} is not a setting (src/config/settings.ts)`).toBeDefined();
      // A secret setting written into the file itself holds nothing secret (a MongoDB URI without a password).
      if (setting!.secret && setting!.env === variable) expect(String(value), variable).not.toMatch(/\/\/[^/@]*:[^/@]*@/);
    }
    const secretFiles = Object.entries(environment).filter(([variable]) => variable.endsWith('_FILE'));
    for (const [variable, path] of secretFiles) expect(bot.secrets, variable).toContain(String(path).replace('/run/secrets/', ''));
  });

  it('gives the bot Docker only through the proxy', () => {
    const bot = compose.services['connector-ops']!;
    expect((bot.environment as Mapping).DOCKER_HOST).toBe('tcp://docker-proxy:2375');
    expect(JSON.stringify(bot.volumes)).not.toContain('docker.sock');
    const proxy = compose.services['docker-proxy']!;
    expect(proxy.image).toMatch(/^tecnativa\/docker-socket-proxy:/);
    expect(proxy.volumes).toEqual(['/var/run/docker.sock:/var/run/docker.sock:ro']);
  });

  it("lets through every Docker endpoint the bot calls, and nothing it does not", () => {
    const flags = compose.services['docker-proxy']!.environment as Mapping;
    const needed = new Set(DOCKER_ENDPOINTS.map(proxySection));
    if (DOCKER_ENDPOINTS.some((endpoint) => endpoint.method !== 'GET')) needed.add('POST');
    const open = Object.entries(flags).filter(([, value]) => String(value) === '1').map(([flag]) => flag);
    expect(open.sort()).toEqual([...needed].sort());
    // EVENTS is open by default in this image: it is closed explicitly.
    expect(String(flags.EVENTS)).toBe('0');
  });

  it('lists each endpoint the bot calls in its comment, for a stricter proxy', () => {
    const text = readFileSync(join(EXAMPLES, 'compose.yml'), 'utf8');
    for (const endpoint of DOCKER_ENDPOINTS) expect(text, `${endpoint.method} ${endpoint.path}`).toContain(`${endpoint.method} ${endpoint.path}`);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { Redactor } from '../../src/logging/redact.ts';
import { configProblems as problems } from '../support/builders.ts';

const APP = '11111111-2222-3333-4444-555555555555';
const TENANT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const SECRET = 'teams~client~secret~value';
const SDK = 'connections__serviceConnection__settings__';
const TEAMS_HOSTS = ['smba.trafficmanager.net', 'teams.microsoft.com', 'teams.microsoft.us'];

describe('Teams settings', () => {
  it("read by the Agents SDK's own names, with the connections map Microsoft's samples set", () => {
    const config = loadConfig({
      [`${SDK}clientId`]: APP,
      [`${SDK}clientSecret`]: SECRET,
      [`${SDK}tenantId`]: TENANT,
      connectionsMap__0__serviceUrl: '*',
      connectionsMap__0__connection: 'serviceConnection',
    });
    expect(config.teams).toEqual({ clientId: APP, tenantId: TENANT, credential: { authType: 'ClientSecret', clientSecret: SECRET }, serviceHosts: TEAMS_HOSTS });
    expect(loadConfig({}).teams).toBeUndefined();
  });

  it('or by the short aliases; the secret is masked like every other credential', () => {
    const config = loadConfig({ TEAMS_APP_ID: APP, TEAMS_APP_PASSWORD: SECRET, TEAMS_TENANT_ID: TENANT });
    expect(config.teams).toMatchObject({ clientId: APP, tenantId: TENANT, credential: { authType: 'ClientSecret', clientSecret: SECRET } });
    expect(new Redactor(config.secrets).redact(`token request with ${SECRET} failed`)).not.toContain(SECRET);
    const sdkName = loadConfig({ [`${SDK}clientId`]: APP, [`${SDK}clientSecret`]: SECRET });
    expect(sdkName.secrets).toContain(SECRET);
  });

  it('a client id without a secret, a certificate or a sidecar is refused, naming the variables (the SDK would try a managed identity)', () => {
    const [problem] = problems({ TEAMS_APP_ID: APP, TEAMS_TENANT_ID: TENANT });
    expect(problem).toMatch(/^TEAMS_APP_ID is set, but no credential: set connections__serviceConnection__settings__clientSecret \(or TEAMS_APP_PASSWORD\)/);
    expect(problem).toMatch(/managed identity/);
    expect(problems({ [`${SDK}clientId`]: APP })[0]).toMatch(/^connections__serviceConnection__settings__clientId is set, but no credential/);
    expect(problems({ [`${SDK}clientId`]: APP, [`${SDK}authType`]: 'ClientSecret' })).toEqual([
      'connections__serviceConnection__settings__authType is ClientSecret, but connections__serviceConnection__settings__clientSecret (or TEAMS_APP_PASSWORD) is not set',
    ]);
  });

  it('a sidecar needs no guess: its kind is explicit, and it must be beside the bot', () => {
    const config = loadConfig({ TEAMS_APP_ID: APP, [`${SDK}sidecarBaseUrl`]: 'http://127.0.0.1:5178', [`${SDK}authorityEndpoint`]: 'http://127.0.0.1:5179' });
    expect(config.teams).toMatchObject({ credential: { authType: 'EntraAuthSideCar', sidecarBaseUrl: 'http://127.0.0.1:5178' }, authorityEndpoint: 'http://127.0.0.1:5179' });
    expect(problems({ TEAMS_APP_ID: APP, [`${SDK}sidecarBaseUrl`]: 'http://169.254.169.254' })).toEqual([
      'connections__serviceConnection__settings__sidecarBaseUrl must be a loopback or private address: the token sidecar runs beside the bot',
    ]);
    expect(problems({ TEAMS_APP_ID: APP, TEAMS_APP_PASSWORD: SECRET, [`${SDK}sidecarBaseUrl`]: 'http://127.0.0.1:1' })[0]).toMatch(/several credentials \(ClientSecret, EntraAuthSideCar\); set connections__serviceConnection__settings__authType/);
    expect(problems({ TEAMS_APP_ID: APP, TEAMS_APP_PASSWORD: SECRET, [`${SDK}authType`]: 'UserManagedIdentity' })[0]).toMatch(/authType must be ClientSecret, Certificate or EntraAuthSideCar/);
  });

  it('a certificate needs both files, readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cops-teams-cert-'));
    writeFileSync(join(dir, 'cert.pem'), 'pem');
    writeFileSync(join(dir, 'key.pem'), 'key');
    const certificate = { TEAMS_APP_ID: APP, [`${SDK}certPemFile`]: join(dir, 'cert.pem'), [`${SDK}certKeyFile`]: join(dir, 'key.pem') };
    expect(loadConfig(certificate).teams?.credential).toEqual({ authType: 'Certificate', certPemFile: join(dir, 'cert.pem'), certKeyFile: join(dir, 'key.pem') });
    expect(problems({ TEAMS_APP_ID: APP, [`${SDK}certPemFile`]: join(dir, 'cert.pem') })).toEqual(['a certificate needs connections__serviceConnection__settings__certKeyFile too']);
    expect(problems({ ...certificate, [`${SDK}certKeyFile`]: join(dir, 'missing.pem') })).toEqual([
      `connections__serviceConnection__settings__certKeyFile names ${JSON.stringify(join(dir, 'missing.pem'))}, which cannot be read`,
    ]);
  });

  it('nothing the SDK would read silently: misspelt or unread names, SIDECAR_URL, another connection map, an http authority', () => {
    const base = { TEAMS_APP_ID: APP, TEAMS_APP_PASSWORD: SECRET };
    expect(problems({ ...base, CONNECTIONS__SERVICECONNECTION__SETTINGS__TENANTID: TENANT })).toEqual([
      "CONNECTIONS__SERVICECONNECTION__SETTINGS__TENANTID: connector-ops reads it as Microsoft's documentation spells it, connections__serviceConnection__settings__tenantId",
    ]);
    expect(problems({ ...base, [`${SDK}validateIssuer`]: 'false' })).toEqual([
      'connections__serviceConnection__settings__validateIssuer: the issuer of every token is validated, always; nothing switches that off',
    ]);
    expect(problems({ ...base, connections__other__settings__clientId: APP })[0]).toMatch(/^connections__other__settings__clientId is not a setting connector-ops reads/);
    expect(problems({ ...base, SIDECAR_URL: 'http://127.0.0.1:9' })[0]).toMatch(/^SIDECAR_URL is set/);
    expect(problems({ ...base, connectionsMap__0__serviceUrl: 'https://smba.trafficmanager.net/' })[0]).toMatch(/connectionsMap__0__serviceUrl must be \*/);
    expect(problems({ ...base, [`${SDK}authorityEndpoint`]: 'http://login.example.com' })[0]).toMatch(/authorityEndpoint must be an https URL/);
    expect(problems({ ...base, [`${SDK}clientId`]: APP })).toEqual(['connections__serviceConnection__settings__clientId and TEAMS_APP_ID are both set; set only one']);
  });

  it('settings without a client id are named, not ignored', () => {
    expect(problems({ TEAMS_APP_PASSWORD: SECRET, TEAMS_TENANT_ID: TENANT })).toEqual([
      'TEAMS_APP_PASSWORD, TEAMS_TENANT_ID are set, but no Teams client id; set connections__serviceConnection__settings__clientId (or TEAMS_APP_ID) too, or unset them',
    ]);
  });
});

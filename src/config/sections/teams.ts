import { accessSync, constants } from 'node:fs';
import { isIP } from 'node:net';
import type { Config, TeamsCredential } from '../config.ts';
import { SETTING_ROWS, SETTINGS, type Setting } from '../settings.ts';
import type { Sources } from '../sources.ts';

const CLIENT_ID = SETTINGS.connections__serviceConnection__settings__clientId;
const CLIENT_SECRET = SETTINGS.connections__serviceConnection__settings__clientSecret;
const TENANT_ID = SETTINGS.connections__serviceConnection__settings__tenantId;
const CERT_PEM = SETTINGS.connections__serviceConnection__settings__certPemFile;
const CERT_KEY = SETTINGS.connections__serviceConnection__settings__certKeyFile;
const AUTH_TYPE = SETTINGS.connections__serviceConnection__settings__authType;
const AUTHORITY = SETTINGS.connections__serviceConnection__settings__authorityEndpoint;
const SIDECAR = SETTINGS.connections__serviceConnection__settings__sidecarBaseUrl;
const MAP_URL = SETTINGS.connectionsMap__0__serviceUrl;
const MAP_CONNECTION = SETTINGS.connectionsMap__0__connection;

/** The SDK's own names that this bot reads; any other `connections__…` or `connectionsMap__…` would be ignored silently. */
const SDK_NAMES = SETTING_ROWS.filter((s) => /^connections(Map)?__/.test(s.env));
const SDK_NAME = /^connections(map)?__/i;

/**
 * The Teams adapter's settings, when a client id is set (the SDK's name or TEAMS_APP_ID). The Agents SDK infers a
 * managed identity from a client id alone, and would then ask the cloud's metadata address for tokens: a client id
 * without a secret, a certificate or a token sidecar is refused here, as is any SDK setting this bot does not pass
 * on (a misspelt one, or one that would switch a check off).
 */
export function readTeams(sources: Sources): Config['teams'] {
  refuseUnread(sources);
  const clientId = either(sources, CLIENT_ID, SETTINGS.TEAMS_APP_ID);
  const secret = either(sources, CLIENT_SECRET, SETTINGS.TEAMS_APP_PASSWORD);
  const tenantId = either(sources, TENANT_ID, SETTINGS.TEAMS_TENANT_ID);
  const certPemFile = sources.read(CERT_PEM);
  const certKeyFile = sources.read(CERT_KEY);
  const authType = sources.read(AUTH_TYPE);
  const authorityEndpoint = sources.read(AUTHORITY);
  const sidecarBaseUrl = sources.read(SIDECAR);
  const serviceHosts = sources.read(SETTINGS.TEAMS_SERVICE_HOSTS);
  if (!clientId) {
    // Given by both names: refused already.
    if (sources.env[CLIENT_ID.env]?.trim() && sources.env[SETTINGS.TEAMS_APP_ID.env]?.trim()) return undefined;
    const orphans = [secret?.name, tenantId?.name, ...[CERT_PEM, CERT_KEY, AUTH_TYPE, AUTHORITY, SIDECAR].filter((s) => sources.env[s.env]).map((s) => s.env)].filter(Boolean);
    if (orphans.length > 0) sources.problems.push(`${orphans.join(', ')} ${orphans.length > 1 ? 'are' : 'is'} set, but no Teams client id; set ${CLIENT_ID.env} (or TEAMS_APP_ID) too, or unset them`);
    return undefined;
  }
  const problems = sources.problems;
  const mapUrl = sources.read(MAP_URL);
  if (mapUrl !== undefined && mapUrl !== '*') problems.push(`${MAP_URL.env} must be *: every service URL uses the one connection, serviceConnection`);
  const mapConnection = sources.read(MAP_CONNECTION);
  if (mapConnection !== undefined && mapConnection !== 'serviceConnection') problems.push(`${MAP_CONNECTION.env} must be serviceConnection, the only connection connector-ops reads`);
  if (sources.env.SIDECAR_URL) problems.push(`SIDECAR_URL is set: the Agents SDK would take outbound tokens from it, whatever ${SIDECAR.env} says; unset it`);
  if (authorityEndpoint !== undefined && !secureOrLoopback(authorityEndpoint)) {
    problems.push(`${AUTHORITY.env} must be an https URL (signing keys are fetched from it); http only on loopback, for tests`);
  }
  const credential = credentialOf(sources, clientId.name, { secret, certPemFile, certKeyFile, authType, sidecarBaseUrl });
  if (!credential) return undefined;
  return {
    clientId: clientId.value,
    ...(tenantId && { tenantId: tenantId.value }),
    credential,
    ...(authorityEndpoint !== undefined && { authorityEndpoint }),
    serviceHosts,
  };
}

interface Given {
  secret: Named | undefined;
  certPemFile: string | undefined;
  certKeyFile: string | undefined;
  authType: TeamsCredential['authType'] | undefined;
  sidecarBaseUrl: string | undefined;
}

/** The one credential, of the kind authType names or, without it, of the kind given; each missing part named. */
function credentialOf(sources: Sources, clientIdName: string, given: Given): TeamsCredential | undefined {
  const problems = sources.problems;
  const kinds = [
    given.secret && ('ClientSecret' as const),
    (given.certPemFile || given.certKeyFile) && ('Certificate' as const),
    given.sidecarBaseUrl && ('EntraAuthSideCar' as const),
  ].filter((kind) => kind !== undefined && kind !== '');
  if (!given.authType && kinds.length === 0) {
    problems.push(
      `${clientIdName} is set, but no credential: set ${CLIENT_SECRET.env} (or TEAMS_APP_PASSWORD), ${CERT_PEM.env} with ${CERT_KEY.env}, or ${SIDECAR.env}. Without one the Agents SDK would try a managed identity`,
    );
    return undefined;
  }
  if (!given.authType && kinds.length > 1) {
    problems.push(`${clientIdName} has several credentials (${kinds.join(', ')}); set ${AUTH_TYPE.env} to the one to use`);
    return undefined;
  }
  const authType = given.authType ?? kinds[0]!;
  switch (authType) {
    case 'ClientSecret':
      if (given.secret) return { authType, clientSecret: given.secret.value };
      problems.push(`${AUTH_TYPE.env} is ClientSecret, but ${CLIENT_SECRET.env} (or TEAMS_APP_PASSWORD) is not set`);
      return undefined;
    case 'Certificate': {
      const missing = [!given.certPemFile && CERT_PEM.env, !given.certKeyFile && CERT_KEY.env].filter(Boolean);
      if (missing.length > 0) {
        problems.push(`a certificate needs ${missing.join(' and ')} too`);
        return undefined;
      }
      const unreadable = [CERT_PEM, CERT_KEY].filter((setting) => !readable(sources.read(setting)!));
      for (const setting of unreadable) problems.push(`${setting.env} names ${JSON.stringify(sources.read(setting))}, which cannot be read`);
      return unreadable.length > 0 ? undefined : { authType, certPemFile: given.certPemFile!, certKeyFile: given.certKeyFile! };
    }
    case 'EntraAuthSideCar':
      if (!given.sidecarBaseUrl) {
        problems.push(`${AUTH_TYPE.env} is EntraAuthSideCar, but ${SIDECAR.env} is not set`);
        return undefined;
      }
      // The SDK refuses any other at the first token, that is at the first reply: said at start instead.
      if (!privateHost(new URL(given.sidecarBaseUrl).hostname)) {
        problems.push(`${SIDECAR.env} must be a loopback or private address: the token sidecar runs beside the bot`);
        return undefined;
      }
      return { authType, sidecarBaseUrl: given.sidecarBaseUrl };
  }
}

interface Named {
  value: string;
  name: string;
}

/** The SDK's setting or its alias, by whichever name is set; both at once is an error, since one would silently win. */
function either(sources: Sources, sdk: Setting, alias: Setting): Named | undefined {
  const sdkValue = sources.read(sdk) as string | undefined;
  const aliasValue = sources.read(alias) as string | undefined;
  if (sdkValue !== undefined && aliasValue !== undefined) {
    sources.problems.push(`${sdk.env} and ${alias.env} are both set; set only one`);
    return undefined;
  }
  if (sdkValue !== undefined) return { value: sdkValue, name: sdk.env };
  return aliasValue === undefined ? undefined : { value: aliasValue, name: alias.env };
}

/** An SDK setting this bot does not read would be ignored without a word: a misspelling, or a check switched off. */
function refuseUnread(sources: Sources): void {
  const known = new Set(SDK_NAMES.flatMap((s) => (s.secret ? [s.env, `${s.env}_FILE`] : [s.env])));
  for (const name of Object.keys(sources.env)) {
    if (!SDK_NAME.test(name) || known.has(name)) continue;
    const spelt = [...known].find((k) => k.toLowerCase() === name.toLowerCase());
    if (spelt) sources.problems.push(`${name}: connector-ops reads it as Microsoft's documentation spells it, ${spelt}`);
    else if (/validateissuer$/i.test(name)) sources.problems.push(`${name}: the issuer of every token is validated, always; nothing switches that off`);
    else sources.problems.push(`${name} is not a setting connector-ops reads; it reads ${SDK_NAMES.map((s) => s.env).join(', ')}`);
  }
}

function secureOrLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || loopback(parsed.hostname);
}

function loopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** Loopback or RFC 1918: stricter than the SDK, which also takes link-local, where clouds keep their metadata service. */
function privateHost(host: string): boolean {
  if (loopback(host)) return true;
  if (isIP(host) !== 4) return false;
  const [a, b] = host.split('.').map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

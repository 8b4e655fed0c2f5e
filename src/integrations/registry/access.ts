import { isIP } from 'node:net';
import { isDockerHub, registryApiHost } from './reference.ts';

/** How to reach one registry, configured per registry host (`ghcr.io`, `docker.io`, `registry.example.com:5000`). */
export interface RegistryAccess {
  username?: string;
  /** Password or access token. Never logged, never shown. */
  password?: string;
  /** Plain HTTP instead of HTTPS, as Docker's `insecure-registries`. */
  insecure?: boolean;
}

export type RegistryAccessMap = Record<string, RegistryAccess>;

/** The configured access for a registry; Docker Hub may be configured under any of its names. */
export function accessFor(registries: RegistryAccessMap, registry: string): RegistryAccess | undefined {
  const wanted = registry.toLowerCase();
  for (const [host, access] of Object.entries(registries)) {
    const name = registryHostOf(host);
    if (name === wanted || (isDockerHub(name) && isDockerHub(wanted))) return access;
  }
  return undefined;
}

/** The credentials a pull from `registry` logs in with, when both a user name and a password are configured for it. */
export function pullCredentials(registries: RegistryAccessMap, registry: string): { username: string; password: string; serveraddress: string } | undefined {
  const credentials = registries[registry];
  return credentials?.username && credentials.password ? { username: credentials.username, password: credentials.password, serveraddress: registry } : undefined;
}

/**
 * Loopback registries are reached over plain HTTP, as Docker does (127.0.0.0/8 is insecure by default);
 * `localhost` and ::1 count as loopback too.
 */
export function isLoopbackHost(host: string): boolean {
  const hostname = hostnameOf(host).toLowerCase();
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  if (isIP(hostname) === 6) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1';
  return false;
}

/** Whether plain HTTP may be used to talk to `host` (a registry or its token service). */
export function allowsPlainHttp(registries: RegistryAccessMap, host: string): boolean {
  return isLoopbackHost(host) || accessFor(registries, host)?.insecure === true;
}

/** Base URL of a registry's API: https, unless the registry is loopback or configured insecure. */
export function registryBaseUrl(registries: RegistryAccessMap, registry: string): string {
  const scheme = allowsPlainHttp(registries, registry) ? 'http' : 'https';
  return `${scheme}://${registryApiHost(registry)}`;
}

/** `host`, `host:port`, `[v6]:port` → the bare hostname (v6 without brackets). */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colons = host.split(':').length - 1;
  return colons === 1 ? host.slice(0, host.indexOf(':')) : host;
}

/** Configured keys may be written as URLs, as in Docker's config.json (`https://index.docker.io/v1/`). */
function registryHostOf(key: string): string {
  return key.toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

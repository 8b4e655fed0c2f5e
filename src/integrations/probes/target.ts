import { urlCredentials, type UrlCredentials } from './mask.ts';
import { ProbeError } from './session.ts';

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
  /** SNI and the name the certificate must carry; defaults to the host unless it is an IP address. */
  servername?: string;
}

/** What a URL scheme means to a probe: its default port and whether it runs over TLS. */
export interface Scheme {
  port: number;
  tls: boolean;
}

/** A probe's URL, read once: where to connect and with which credentials. */
export interface ProbeTarget {
  url: URL;
  endpoint: Endpoint;
  credentials: UrlCredentials;
}

/**
 * Reads a URL for a probe that speaks the given schemes (e.g. "amqp:" and "amqps:").
 * Bad input is a classified failure naming what was expected, never an exception out of the probe.
 */
export function parseTarget(url: string, schemes: Readonly<Record<string, Scheme>>): ProbeTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProbeError('invalid-url', 'not a valid URL');
  }
  const scheme = schemes[parsed.protocol];
  if (!scheme) throw new ProbeError('invalid-url', `${parsed.protocol} is not for this probe (it speaks ${listOf(Object.keys(schemes))})`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ProbeError('invalid-url', 'the URL has no host');
  const port = parsed.port ? Number(parsed.port) : scheme.port;
  if (!port) throw new ProbeError('invalid-url', `${parsed.protocol}// needs host and port`);
  return { url: parsed, endpoint: { host, port, tls: scheme.tls }, credentials: urlCredentials(parsed) };
}

function listOf(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

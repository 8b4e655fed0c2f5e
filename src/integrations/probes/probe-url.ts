import { resolveSrv } from 'node:dns/promises';
import { describeFailure, withTimeout } from '../http/timeout.ts';
import { probeAmqp } from './amqp.ts';
import { openConnection } from './connection.ts';
import { probeHttp } from './http.ts';
import { probeMqtt } from './mqtt.ts';
import { probeRedis } from './redis.ts';
import { DEFAULT_PROBE_TIMEOUT_MS, probeFailure, type ProbeOptions, type ProbeResult } from './result.ts';
import { ProbeError, runProbe } from './session.ts';
import { probeTcp } from './tcp.ts';
import { abortable } from '../abortable.ts';

export type ProbeProtocol = 'http' | 'tcp' | 'amqp' | 'mqtt' | 'redis' | 'mongodb';

/** A MongoDB ping done elsewhere (the database integration, with the official driver); handed in by the composition root. */
export type MongoPing = (uri: string, signal: AbortSignal) => Promise<ProbeResult>;

const BY_SCHEME: Record<string, ProbeProtocol> = {
  'http:': 'http',
  'https:': 'http',
  // A WebSocket endpoint (e.g. MQTT over WebSocket) answers HTTP before the upgrade.
  'ws:': 'http',
  'wss:': 'http',
  'tcp:': 'tcp',
  'amqp:': 'amqp',
  'amqps:': 'amqp',
  'mqtt:': 'mqtt',
  'mqtts:': 'mqtt',
  'redis:': 'redis',
  'rediss:': 'redis',
  'mongodb:': 'mongodb',
  'mongodb+srv:': 'mongodb',
};

/** The probe a URL's scheme calls for, or undefined for a scheme no probe speaks. */
export function protocolOf(url: string): ProbeProtocol | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(url)?.[1]?.toLowerCase();
  return scheme ? BY_SCHEME[scheme] : undefined;
}

export interface ProbeUrlOptions extends ProbeOptions {
  mongoPing?: MongoPing;
}

/**
 * Probes whatever a URL names, with the protocol given (a broker's configured type wins over the scheme:
 * mqtt.js reads tcp:// as MQTT) or else the one its scheme implies.
 */
export function probeUrl(url: string, protocol: ProbeProtocol | undefined, options: ProbeUrlOptions = {}): Promise<ProbeResult> {
  switch (protocol ?? protocolOf(url)) {
    case 'http':
      return probeHttp(url.replace(/^ws(s?):/i, 'http$1:'), options);
    case 'tcp':
      return probeTcp(url, options);
    case 'amqp':
      return probeAmqp(url, options);
    case 'mqtt':
      return probeMqtt(url, options);
    case 'redis':
      return probeRedis(url, options);
    case 'mongodb':
      return options.mongoPing
        ? options
            .mongoPing(url, withTimeout(options.signal, options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS))
            // A probe reports; it never throws, whoever wrote it.
            .catch((error: unknown) => probeFailure('unreachable', describeFailure(error)))
        : probeMongoHosts(url, options);
    case undefined:
      return Promise.resolve(probeFailure('invalid-url', 'no probe for this kind of URL'));
  }
}

/**
 * Without the MongoDB integration: a TCP connection to each host of the connection string (seed list,
 * or the SRV records of mongodb+srv://). It shows the servers are there, not that they are healthy.
 */
function probeMongoHosts(uri: string, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe(options, async (session) => {
    const hosts = await mongoHosts(uri, session.signal);
    for (const host of hosts) await openConnection(session, { ...host, tls: false });
    return { detail: `TCP connection accepted by ${hosts.length === 1 ? 'the host' : `all ${hosts.length} hosts`}; no MongoDB ping wired` };
  });
}

async function mongoHosts(uri: string, signal: AbortSignal): Promise<{ host: string; port: number }[]> {
  const match = /^(mongodb(?:\+srv)?):\/\/(?:[^/?#]*@)?([^/?#]+)/i.exec(uri);
  if (!match) throw new ProbeError('invalid-url', 'not a MongoDB connection string');
  const [, scheme, hostList] = match as unknown as [string, string, string];
  if (scheme.toLowerCase() === 'mongodb+srv') {
    const records = await abortable(resolveSrv(`_mongodb._tcp.${hostList}`), signal);
    if (records.length === 0) throw new ProbeError('unreachable', 'no SRV records for the cluster');
    return records.map((record) => ({ host: record.name, port: record.port }));
  }
  return hostList.split(',').map((entry) => {
    const ipv6 = /^\[(.*)\](?::(\d+))?$/.exec(entry);
    if (ipv6) return { host: ipv6[1]!, port: ipv6[2] ? Number(ipv6[2]) : 27017 };
    const [host = '', port] = entry.split(':');
    return { host, port: port ? Number(port) : 27017 };
  });
}

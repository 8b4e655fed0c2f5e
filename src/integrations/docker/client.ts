import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { EngineSettings } from '../../config/config.ts';
import { dockerEndpointOf } from './endpoints.ts';
import { isAccessRefused, SocketAccessError } from './socket-access.ts';

export type DockerClient = Docker;

/** What reaching an engine takes: its name is for people only. */
type EngineTarget = Omit<EngineSettings, 'name'>;

const DEFAULT_SOCKET = '/var/run/docker.sock';

/**
 * A Docker Engine client for one engine, from its settings alone, read the way the docker CLI reads
 * DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH: a unix socket, tcp (https with TLS settings or on
 * port 2376), or ssh (with the agent of SSH_AUTH_SOCK). Every option is given, so that docker-modem's own
 * defaults from process.env cannot point one engine's client at another. Every call made through it must still carry an abortSignal: a socket
 * timeout alone does not bound a call whose answer trickles in.
 */
export function createDockerClient(settings: EngineTarget): DockerClient {
  const options = modemOptions(settings);
  const docker = new Docker(options);
  onlyListedEndpoints(docker);
  if (options.socketPath && !settings.host?.startsWith('npipe://')) explainRefusedSocket(docker, options.socketPath);
  return docker;
}

type Dial = (options: { method?: string; path?: string }, callback: (error: unknown, data?: unknown) => void) => void;

/** Every call passes the modem's dial: one not in DOCKER_ENDPOINTS fails there, before anything reaches the engine. */
function onlyListedEndpoints(docker: DockerClient): void {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => {
    const method = options.method ?? 'GET';
    const path = options.path ?? '';
    if (dockerEndpointOf(method, path)) return dial(options, callback);
    const shown = path.split('?')[0];
    process.nextTick(() => callback(new Error(`connector-ops does not call the Docker endpoint ${method} ${shown}: it is not in src/integrations/docker/endpoints.ts`)));
  };
}

/** A call the socket refuses (EACCES) fails saying the socket's group to add, whichever check or operation made it. */
function explainRefusedSocket(docker: DockerClient, socket: string): void {
  const modem = docker.modem as unknown as { dial: Dial };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) =>
    dial(options, (error, data) => {
      const code = (error as { code?: unknown } | null)?.code;
      callback(isAccessRefused(code) ? new SocketAccessError(socket, code) : error, data);
    });
}

export function modemOptions(settings: EngineTarget): Docker.DockerOptions {
  const none = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, ca: undefined, cert: undefined, key: undefined };
  const host = settings.host;
  if (!host || host.startsWith('unix://')) return { ...none, socketPath: host?.slice('unix://'.length) || DEFAULT_SOCKET };
  if (host.startsWith('npipe://')) return { ...none, socketPath: host.slice('npipe://'.length) || '//./pipe/docker_engine' };
  const url = new URL(host.includes('//') ? host : `tcp://${host}`);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'ssh:') {
    return {
      ...none,
      protocol: 'ssh',
      host: hostname,
      port: url.port || 22,
      username: decodeURIComponent(url.username),
      sshOptions: { agent: settings.sshAgent },
    } as Docker.DockerOptions;
  }
  const tls = settings.tlsVerify || settings.certPath !== undefined || url.port === '2376';
  const certs = settings.certPath
    ? {
        ca: readFileSync(join(settings.certPath, 'ca.pem')),
        cert: readFileSync(join(settings.certPath, 'cert.pem')),
        key: readFileSync(join(settings.certPath, 'key.pem')),
      }
    : {};
  return { ...none, protocol: tls ? 'https' : 'http', host: hostname, port: url.port || (tls ? 2376 : 2375), ...certs };
}

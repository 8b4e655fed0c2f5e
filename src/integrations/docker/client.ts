import Docker from 'dockerode';

export type DockerClient = Docker;

/**
 * The Docker Engine client. docker-modem reads DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH
 * exactly as the docker CLI does (unix socket, tcp, tcp with TLS), falling back to /var/run/docker.sock.
 * Every call made through it must still carry an abortSignal: a socket timeout alone does not bound
 * a call whose answer trickles in.
 */
export function createDockerClient(): DockerClient {
  return new Docker();
}

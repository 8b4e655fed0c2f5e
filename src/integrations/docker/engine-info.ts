import type { DockerClient } from './client.ts';

/** What serves the Docker Engine API: Docker itself, or Podman's Docker-compatible service. */
export type EngineKind = 'Docker' | 'Podman';

/** The engine and the host it runs on (which is not the bot's host when DOCKER_HOST is remote). */
export interface EngineInfo {
  kind: EngineKind;
  /** e.g. `28.3.2`, `20.10.24+dfsg1` */
  version: string;
  /** The newest API version the engine speaks, e.g. `1.41`. */
  apiVersion: string;
  minApiVersion?: string;
  /** The engine host's operating system, e.g. `Debian GNU/Linux 12 (bookworm)`, `Docker Desktop`. */
  operatingSystem: string;
  /** `linux` or `windows`. */
  osType: string;
  /** The engine host's kernel, e.g. `6.1.0-18-amd64`. */
  kernelVersion: string;
  architecture: string;
}

export interface EngineInfoReader {
  engineInfo(signal: AbortSignal): Promise<EngineInfo>;
}

export interface VersionAnswer {
  Version?: string;
  ApiVersion?: string;
  MinAPIVersion?: string;
  KernelVersion?: string;
  Os?: string;
  Arch?: string;
  Components?: Array<{ Name?: string }>;
  Platform?: { Name?: string };
}

export interface InfoAnswer {
  OperatingSystem?: string;
  OSType?: string;
  KernelVersion?: string;
  Architecture?: string;
}

// dockerode's typings omit the options of version() and info(); at run time both forward `abortSignal`.
type WithSignal<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/** Reads `GET /version` and `GET /info` of the engine. */
export class DockerEngineInfo implements EngineInfoReader {
  private readonly docker: DockerClient;

  constructor(docker: DockerClient) {
    this.docker = docker;
  }

  async engineInfo(signal: AbortSignal): Promise<EngineInfo> {
    const version = (this.docker.version as unknown as WithSignal<VersionAnswer>).bind(this.docker);
    const info = (this.docker.info as unknown as WithSignal<InfoAnswer>).bind(this.docker);
    const [v, i] = await Promise.all([version({ abortSignal: signal }), info({ abortSignal: signal })]);
    return engineInfoFrom(v, i);
  }
}

/** Which kind of engine serves the API, from `GET /version` alone. */
export async function readEngineKind(docker: DockerClient, signal: AbortSignal): Promise<EngineKind> {
  const version = (docker.version as unknown as WithSignal<VersionAnswer>).bind(docker);
  return engineKind(await version({ abortSignal: signal }));
}

/** The answers of `GET /version` and `GET /info` as one EngineInfo. */
export function engineInfoFrom(v: VersionAnswer, i: InfoAnswer): EngineInfo {
  return {
    version: v.Version ?? 'unknown',
    apiVersion: v.ApiVersion ?? 'unknown',
    ...(v.MinAPIVersion ? { minApiVersion: v.MinAPIVersion } : {}),
    operatingSystem: i.OperatingSystem ?? 'unknown',
    osType: i.OSType ?? v.Os ?? 'unknown',
    kernelVersion: i.KernelVersion ?? v.KernelVersion ?? 'unknown',
    architecture: i.Architecture ?? v.Arch ?? 'unknown',
    kind: engineKind(v),
  };
}

/** Podman names its engine component "Podman Engine" (Docker's is "Engine", its platform "Docker Engine - Community"). */
function engineKind(v: VersionAnswer): EngineKind {
  const names = [...(v.Components ?? []).map((c) => c.Name ?? ''), v.Platform?.Name ?? ''];
  return names.some((name) => /podman/i.test(name)) ? 'Podman' : 'Docker';
}

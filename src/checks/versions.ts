import { checkResult, type CheckDetail, type CheckResult } from '../domain/check-result.ts';
import { worstStatus } from '../domain/status.ts';
import type { EngineInfo, EngineInfoReader, EngineKind } from '../integrations/docker/engine-info.ts';
import { describeFailure } from '../integrations/http/timeout.ts';
import type { HostOsInfo, HostOsReader } from '../integrations/host/os-info.ts';
import type { Check, CheckContext } from './check.ts';
import { readOnce } from './shared-readings.ts';
import { DEFAULT_ENGINE } from '../config/config.ts';
import type { Connector } from '../domain/connector.ts';

export interface VersionMinimums {
  /** e.g. `25.0`; compared with a Docker engine's version (`28.3.2`, `20.10.24+dfsg1`). */
  minDockerVersion?: string;
  /** e.g. `4.9`; compared with a Podman engine's own version (`4.3.1`, `5.2.3`): its numbers are not Docker's. */
  minPodmanVersion?: string;
  /** e.g. `1.44`; the newest API version the engine speaks. */
  minApiVersion?: string;
  /** e.g. `5.10`; compared with the Docker host's kernel and the bot host's kernel. */
  minKernel?: string;
}

/**
 * Docker 20.10 (API 1.41) and Podman 4.3 (Debian 12's, API 1.41) are the oldest engines the bot is tested
 * against; anything older is long out of support. No kernel minimum by default: distributions backport
 * fixes, so the number says little.
 */
export const DEFAULT_VERSION_MINIMUMS: Readonly<VersionMinimums> = { minDockerVersion: '20.10', minPodmanVersion: '4.3', minApiVersion: '1.41' };

const MIN_ENGINE_VERSION: Record<EngineKind, keyof VersionMinimums> = { Docker: 'minDockerVersion', Podman: 'minPodmanVersion' };

export type EngineReading = { ok: true; engine: EngineInfo } | { ok: false; reason: string };
export type HostReading = { ok: true; host: HostOsInfo } | { ok: false; reason: string };

/** The engine's (Docker's or Podman's) and its API's version, its host's OS and kernel, and the bot host's OS and kernel, against minimums. */
export class VersionsCheck implements Check {
  readonly id = 'versions' as const;
  private readonly minimums: VersionMinimums;

  private readonly engine: EngineInfoReader;
  private readonly hostOs: HostOsReader;

  constructor(
    engine: EngineInfoReader,
    hostOs: HostOsReader,
    minimums: VersionMinimums = {},
  ) {
    this.engine = engine;
    this.hostOs = hostOs;
    this.minimums = { ...DEFAULT_VERSION_MINIMUMS, ...definedOnly(minimums) };
  }

  appliesTo(): boolean {
    return true;
  }

  async run({ signal, connector, shared }: CheckContext): Promise<CheckResult> {
    // Host facts: once per engine (and once for the bot's host) in a report, however many connectors it covers.
    const [engine, host] = await Promise.all([
      readOnce(shared, `engine-info:${connector.engine ?? DEFAULT_ENGINE}`, () =>
        this.engine.engineInfo(signal).then(
          (info): EngineReading => ({ ok: true, engine: info }),
          (error: unknown): EngineReading => ({ ok: false, reason: `${namedEngine(connector)}${describeFailure(error)}` }),
        ),
      ),
      readOnce(shared, 'host-os', () =>
        this.hostOs.hostOs(signal).then(
          (info): HostReading => ({ ok: true, host: info }),
          (error: unknown): HostReading => ({ ok: false, reason: describeFailure(error) }),
        ),
      ),
    ]);
    return assessVersions(engine, host, this.minimums);
  }
}

export function assessVersions(engine: EngineReading, host: HostReading, minimums: VersionMinimums): CheckResult {
  const details: CheckDetail[] = [];
  const below: string[] = [];

  if (engine.ok) {
    const e = engine.engine;
    // Each kind against its own minimum: Podman's version numbers (4.x, 5.x) say nothing against Docker's.
    details.push(compared(`${e.kind} Engine`, e.version, minimums[MIN_ENGINE_VERSION[e.kind]], below));
    // Podman serves Docker's API beside its own: the number is Docker's.
    details.push(compared(e.kind === 'Docker' ? 'Docker API' : `${e.kind}'s Docker API`, e.apiVersion, minimums.minApiVersion, below));
    details.push({ label: `${e.kind} host OS`, value: `${e.operatingSystem}, ${e.osType}/${e.architecture}` });
    details.push(compared(`${e.kind} host kernel`, e.kernelVersion, minimums.minKernel, below));
  } else {
    details.push({ label: 'Engine', value: `unreachable: ${engine.reason}`, status: 'unknown' });
  }

  if (host.ok) {
    const h = host.host;
    const release = [h.release, h.codename ? `(${h.codename})` : ''].filter(Boolean).join(' ');
    details.push({ label: 'bot host OS', value: `${`${h.distro} ${release}`.trim()}, ${h.arch}` });
    details.push(compared('bot host kernel', h.kernel, minimums.minKernel, below));
  } else {
    details.push({ label: 'bot host OS', value: `could not read: ${host.reason}`, status: 'unknown' });
  }

  const status = worstStatus(details.flatMap((d) => (d.status ? [d.status] : [])));
  return checkResult('versions', status, summarize(engine, host, below), details);
}

/** A version detail, warn when below the minimum; unknown when either side cannot be read as a version. */
function compared(label: string, value: string, minimum: string | undefined, below: string[]): CheckDetail {
  if (!minimum) return { label, value };
  const actual = numericVersion(value);
  const wanted = numericVersion(minimum);
  if (!actual || !wanted) {
    return { label, value: `${value} (cannot compare with the minimum ${minimum})`, status: 'unknown' };
  }
  if (compareNumeric(actual, wanted) < 0) {
    below.push(`${label} ${value} is below the minimum ${minimum}`);
    return { label, value: `${value}: below the minimum ${minimum}, update it`, status: 'warn' };
  }
  return { label, value: `${value} (minimum ${minimum})`, status: 'ok' };
}

/**
 * The leading numbers of a version: `20.10.24+dfsg1` → [20, 10, 24], `19.03.15` → [19, 3, 15] (Docker's old
 * zero-padded months, which semver rejects), `6.1.0-18-amd64` → [6, 1, 0], `1.41` → [1, 41].
 */
export function numericVersion(text: string): number[] | undefined {
  const match = /^\D{0,8}?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text.trim());
  if (!match) return undefined;
  return match.slice(1).flatMap((part) => (part === undefined ? [] : [Number(part)]));
}

function compareNumeric(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

function summarize(engine: EngineReading, host: HostReading, below: string[]): string {
  const parts: string[] = [];
  if (!engine.ok) parts.push(`Engine unreachable: ${engine.reason}`);
  if (below.length > 0) return [...parts, ...below].join('; ');
  if (engine.ok) {
    const e = engine.engine;
    parts.push(`${e.kind} ${e.version} (API ${e.apiVersion}), kernel ${e.kernelVersion}`);
  }
  parts.push(host.ok ? `bot host ${host.host.distro} ${host.host.release}`.trim() : `bot host OS unreadable: ${host.reason}`);
  return parts.join('; ');
}

function definedOnly(minimums: VersionMinimums): VersionMinimums {
  return Object.fromEntries(Object.entries(minimums).filter(([, value]) => value !== undefined)) as VersionMinimums;
}

/** A failure on an engine other than the default one says which. */
function namedEngine(connector: Connector): string {
  return connector.engine && connector.engine !== DEFAULT_ENGINE ? `engine ${connector.engine}: ` : '';
}

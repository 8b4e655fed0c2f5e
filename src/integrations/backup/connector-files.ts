import type { ContainerInspectInfo } from 'dockerode';
import { posix } from 'node:path';
import type { BackupSource } from './archive-entries.ts';

/** Where the enmeshed documentation suggests mounting the Connector's log files. */
export const CONNECTOR_LOG_DIRECTORY = '/var/log/enmeshed-connector';

/** Where the documentation and compose examples mount config.json. */
const CONVENTIONAL_CONFIG_FILES = ['/usr/app/config.json', '/config.json'];

export interface ConnectorFilesOptions {
  /** The engine runs on this host (`DockerEngine.local`): otherwise every host path is on another machine. */
  localEngine: boolean;
  /** Container paths of log directories besides /var/log/enmeshed-connector, e.g. of a file appender. */
  logDirectories?: readonly string[];
}

/** A file or directory on the Docker host worth keeping, and why it was picked. */
export interface ConnectorFile extends BackupSource {
  kind: 'configuration' | 'logs';
  why: string;
}

export interface NotIncluded {
  what: string;
  reason: string;
}

export interface ConnectorFiles {
  files: ConnectorFile[];
  notIncluded: NotIncluded[];
}

interface Mount {
  Type: string;
  Name?: string | undefined;
  Source: string;
  Destination: string;
  Driver?: string | undefined;
}

/**
 * The host paths of a Connector's configuration file(s) and log files, from its container's
 * `docker inspect`: what the operations page says to back up besides the database (which is
 * MongoDB's to back up). What cannot be read from this host is said, with the reason.
 */
export function connectorFiles(inspect: ContainerInspectInfo, options: ConnectorFilesOptions): ConnectorFiles {
  const found = new Found(options.localEngine);
  const mounts = mountsOf(inspect);
  configurationFiles(inspect, mounts, found);
  for (const directory of [CONNECTOR_LOG_DIRECTORY, ...(options.logDirectories ?? [])]) {
    const picked = logMounts(mounts, directory, found);
    if (!picked && directory !== CONNECTOR_LOG_DIRECTORY) {
      found.miss(`log directory ${directory}`, 'on no mount: its files stay in the container\'s writable layer');
    }
  }
  engineLogFiles(inspect, found);
  return found.result();
}

function configurationFiles(inspect: ContainerInspectInfo, mounts: readonly Mount[], found: Found): void {
  const location = configLocation(inspect);
  if (location) {
    const mount = innermostMountOf(mounts, location);
    if (mount) {
      const how = mount.Destination === location ? 'is mounted' : `lies in the mount at ${mount.Destination}`;
      found.add(mount, location, { kind: 'configuration', why: `CUSTOM_CONFIG_LOCATION=${location} ${how}` }, `configuration file ${location}`);
    } else {
      found.miss(
        `configuration file ${location}`,
        'CUSTOM_CONFIG_LOCATION names a path on no mount: the file is baked into the image or copied into the container',
      );
    }
  }
  let conventional = false;
  for (const path of CONVENTIONAL_CONFIG_FILES) {
    const mount = mounts.find((m) => m.Destination === path);
    if (path === location || !mount) continue;
    conventional = true;
    const read = location ? `CUSTOM_CONFIG_LOCATION points at ${location}` : 'CUSTOM_CONFIG_LOCATION is not set, so the Connector may not read it';
    found.add(mount, path, { kind: 'configuration', why: `mounted at ${path}, where the documentation puts config.json (${read})` }, `configuration file ${path}`);
  }
  if (!location && !conventional) {
    found.miss(
      'configuration file',
      'CUSTOM_CONFIG_LOCATION is not set and nothing is mounted at /usr/app/config.json or /config.json: the configuration is the environment (in container.json) and the image',
    );
  }
}

/** The container path of the Connector's config.json; a relative one is read from the working directory. */
function configLocation(inspect: ContainerInspectInfo): string | undefined {
  const entry = (inspect.Config.Env ?? []).findLast((e) => e.startsWith('CUSTOM_CONFIG_LOCATION='));
  const value = entry?.slice('CUSTOM_CONFIG_LOCATION='.length).trim();
  if (!value) return undefined;
  return posix.resolve(inspect.Config.WorkingDir || '/', value);
}

/** Mounts at, below or above the log directory: the innermost one above it, all those at or below. */
function logMounts(mounts: readonly Mount[], directory: string, found: Found): boolean {
  const within = mounts.filter((m) => m.Destination === directory || isBelow(m.Destination, directory));
  for (const mount of within) {
    const why = mount.Destination === directory ? `mounted as the log directory ${directory}` : `mounted at ${mount.Destination}, in the log directory ${directory}`;
    found.add(mount, mount.Destination, { kind: 'logs', why }, `log directory ${mount.Destination}`);
  }
  if (within.length > 0) return true;
  const above = innermostMountOf(mounts, directory);
  if (above) found.add(above, directory, { kind: 'logs', why: `the log directory ${directory} lies in the mount at ${above.Destination}` }, `log directory ${directory}`);
  return above !== undefined;
}

/**
 * The engine's own log of the container: since 6.16 the Connector logs to stdout only, so this is
 * where its log lines are unless an operator added a file appender.
 */
function engineLogFiles(inspect: ContainerInspectInfo, found: Found): void {
  const driver = inspect.HostConfig.LogConfig?.Type || 'json-file';
  const what = "the engine's log of the container (the Connector's stdout)";
  if (!inspect.LogPath) {
    const reason = driver === 'none' ? 'the log driver is "none": the engine keeps no log' : `the "${driver}" log driver keeps it outside the engine's files`;
    found.miss(what, reason);
    return;
  }
  if (driver === 'local') {
    // The local driver keeps its current and rotated files, in its own format, in a directory of their own.
    found.addHostPath(posix.dirname(inspect.LogPath), { kind: 'logs', why: "the local log driver's files of the container's stdout and stderr" }, what);
    return;
  }
  found.addHostPath(inspect.LogPath, { kind: 'logs', why: `the engine's ${driver} log of the container's stdout and stderr` }, what);
  const settings = (inspect.HostConfig.LogConfig?.Config ?? {}) as Record<string, string | undefined>;
  const files = Number(settings['max-file'] ?? 1);
  for (let i = 1; i < files; i++) {
    // Rotations not made yet are no gap; with compress, the newest may not be compressed yet.
    const rotations = settings.compress === 'true' ? [`${inspect.LogPath}.${i}`, `${inspect.LogPath}.${i}.gz`] : [`${inspect.LogPath}.${i}`];
    for (const path of rotations) found.addHostPath(path, { kind: 'logs', why: `rotation ${i} of the engine's ${driver} log`, optional: true }, what);
  }
}

/** Mounts as Docker reports them, plus the `--tmpfs` ones, which it lists only in HostConfig. */
function mountsOf(inspect: ContainerInspectInfo): Mount[] {
  const mounts: Mount[] = [...(inspect.Mounts ?? [])];
  for (const destination of Object.keys(inspect.HostConfig.Tmpfs ?? {})) {
    if (!mounts.some((m) => m.Destination === destination)) mounts.push({ Type: 'tmpfs', Source: '', Destination: destination });
  }
  return mounts;
}

/** The mount a container path is on: the one with the longest destination at or above it. */
function innermostMountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  return mounts
    .filter((m) => m.Destination === path || isBelow(path, m.Destination))
    .sort((a, b) => b.Destination.length - a.Destination.length)[0];
}

function isBelow(path: string, directory: string): boolean {
  return path.startsWith(directory === '/' ? '/' : `${directory}/`) && path !== directory;
}

/** Collects the picks, each host path once, and says why a mount gives no readable host path. */
class Found {
  private readonly files = new Map<string, ConnectorFile>();
  private readonly missing: NotIncluded[] = [];
  private readonly localEngine: boolean;

  constructor(localEngine: boolean) {
    this.localEngine = localEngine;
  }

  /** The host path of `containerPath`, which lies on `mount`. */
  add(mount: Mount, containerPath: string, pick: Omit<ConnectorFile, 'path'>, what: string): void {
    const unreadable = unreadableMount(mount);
    if (unreadable) {
      this.miss(what, unreadable);
      return;
    }
    const hostPath = posix.join(mount.Source, posix.relative(mount.Destination, containerPath));
    const volume = mount.Type === 'volume' ? `volume ${mount.Name ?? '(anonymous)'} at ` : '';
    this.addHostPath(hostPath, pick, what, volume);
  }

  addHostPath(path: string, pick: Omit<ConnectorFile, 'path'>, what: string, volume = ''): void {
    if (!this.localEngine) {
      if (!pick.optional) this.miss(what, `${volume}${path} is on the remote engine's host, not on this machine`);
      return;
    }
    if (!this.files.has(path)) this.files.set(path, { path, ...pick });
  }

  miss(what: string, reason: string): void {
    this.missing.push({ what, reason });
  }

  result(): ConnectorFiles {
    return { files: [...this.files.values()], notIncluded: this.missing };
  }
}

/** Why a mount has no host path to read; undefined when it has one. */
function unreadableMount(mount: Mount): string | undefined {
  if (mount.Type === 'tmpfs') return `a tmpfs at ${mount.Destination}: it lives in the container's memory, not on the host`;
  if (mount.Type === 'volume' && mount.Driver && mount.Driver !== 'local') {
    return `volume ${mount.Name ?? mount.Destination} uses the "${mount.Driver}" driver: its data is with the driver, not at a host path`;
  }
  if (mount.Type !== 'bind' && mount.Type !== 'volume') return `a ${mount.Type} mount at ${mount.Destination}: no host path`;
  if (!mount.Source) return `the engine reports no host path for the mount at ${mount.Destination}`;
  return undefined;
}

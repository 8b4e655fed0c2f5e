import type Docker from 'dockerode';

/**
 * The definition of a container to be recreated from another image (UPDATE): what the operator set
 * when the old container was created, read back from `docker inspect`, without what the old image set.
 *
 * A container's Config holds the merge of the operator's values and its image's defaults: copied
 * verbatim onto a new image it would pin the old image's PATH, NODE_VERSION, CMD or version label
 * (Watchtower's long-standing bug). So a value equal to the old image's is taken for the image's and
 * left out, and the new image's default applies: Env per variable name, Labels, ExposedPorts and
 * Volumes per key, Healthcheck per field (Docker merges it field by field), Cmd, Entrypoint, WorkingDir,
 * User and StopSignal as a whole. An operator
 * value that happens to equal the old image's is lost in the same way; no inspect can tell the two apart.
 */

/** The fields of a container's inspect that are read; a real `docker inspect` answer fits. */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Config: ContainerConfig;
  HostConfig: Docker.HostConfig;
  Mounts?: MountPoint[] | null;
  NetworkSettings?: { Networks?: Record<string, Endpoint> | null } | null;
}

/** The fields of the old image's inspect that are read. */
export interface InspectedImage {
  Id: string;
  Config?: ImageConfig | null;
}

interface ImageConfig {
  User?: string;
  ExposedPorts?: Record<string, object> | null;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string | string[] | null;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  Healthcheck?: Docker.HealthConfig | null;
  StopSignal?: string;
}

interface ContainerConfig extends ImageConfig {
  Hostname?: string;
  Domainname?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  StopTimeout?: number | null;
}

/** A mount as the running container has it: anonymous volumes appear here with their generated names. */
interface MountPoint {
  Type: string;
  Name?: string;
  Destination: string;
  RW?: boolean;
}

interface Endpoint {
  Aliases?: string[] | null;
  IPAMConfig?: Docker.IPAMConfig | null;
  Links?: string[] | null;
  DriverOpts?: Record<string, string> | null;
  NetworkID?: string;
}

export interface NetworkAttachment {
  network: string;
  endpoint: Docker.EndpointSettings;
}

export interface ContainerDefinition {
  /** The container's name, without Docker's leading slash. */
  name: string;
  /** Create options for the new container (without the name), with its first network. */
  create: Docker.ContainerCreateOptions;
  /** Further networks, to connect before the start: engines before API 1.44 take one network at create. */
  moreNetworks: NetworkAttachment[];
}

/** Network modes that are no network of their own: the container joins the host's, none, or another container's. */
const SHARED_NETWORK = /^(host|none|container:.*)$/;

/** The definition of `container`, to be recreated from `image`; `oldImage` is the image it was created from. */
export function containerDefinition(container: InspectedContainer, oldImage: InspectedImage, image: string): ContainerDefinition {
  const config = container.Config;
  const base = oldImage.Config ?? {};
  const networks = networkAttachments(container);
  const [first] = networks;
  const create: Docker.ContainerCreateOptions = {
    Image: image,
    Hostname: ownHostname(container),
    Domainname: config.Domainname || undefined,
    ...commandLine(config, base),
    Env: operatorEnv(withoutEngineEnv(config.Env ?? [], config.Hostname), base.Env ?? []),
    Labels: operatorEntries(config.Labels, base.Labels),
    ExposedPorts: operatorEntries(config.ExposedPorts, base.ExposedPorts),
    Volumes: operatorEntries(config.Volumes, base.Volumes),
    WorkingDir: differs(config.WorkingDir, base.WorkingDir),
    User: differs(config.User, base.User),
    Healthcheck: operatorHealthcheck(config.Healthcheck, base.Healthcheck),
    StopSignal: differs(config.StopSignal, base.StopSignal),
    // 0 is what Podman's compatible API reports for a container that never set one: copied, the next stop would
    // kill the Connector at once. Left out, the engine's default grace applies (a real 0 is rare; grace is the safe side).
    StopTimeout: config.StopTimeout || undefined,
    AttachStdin: config.AttachStdin,
    AttachStdout: config.AttachStdout,
    AttachStderr: config.AttachStderr,
    Tty: config.Tty,
    OpenStdin: config.OpenStdin,
    StdinOnce: config.StdinOnce,
    NetworkDisabled: config.NetworkDisabled || undefined,
    MacAddress: config.MacAddress || undefined,
    HostConfig: hostConfig(container),
    NetworkingConfig: first ? { EndpointsConfig: { [first.network]: first.endpoint } } : undefined,
  };
  return { name: container.Name.replace(/^\//, ''), create: compact(create), moreNetworks: networks.slice(1) };
}

/** Variables whose `NAME=value` the old image did not set exactly so; later entries of a name win, as in Docker. */
export function operatorEnv(env: readonly string[], imageEnv: readonly string[]): string[] | undefined {
  const fromImage = new Map(imageEnv.map((entry) => [variableName(entry), entry]));
  const own = env.filter((entry) => fromImage.get(variableName(entry)) !== entry);
  return own.length > 0 ? own : undefined;
}

/**
 * Without what Podman adds to every container's environment, marked by its `container=podman`: that marker,
 * HOSTNAME (the old container's own hostname) and TERM=xterm. Docker adds nothing to Config.Env.
 */
export function withoutEngineEnv(env: readonly string[], hostname: string | undefined): string[] {
  if (!env.includes('container=podman')) return [...env];
  const added = new Set(['container=podman', 'TERM=xterm', ...(hostname ? [`HOSTNAME=${hostname}`] : [])]);
  return env.filter((entry) => !added.has(entry));
}

function variableName(entry: string): string {
  const equals = entry.indexOf('=');
  return equals === -1 ? entry : entry.slice(0, equals);
}

/** Entries of a map (labels, ports, volumes) that the old image does not hold with the same value. */
export function operatorEntries<T>(
  values: Record<string, T> | null | undefined,
  fromImage: Record<string, T> | null | undefined,
): Record<string, T> | undefined {
  const own = Object.entries(values ?? {}).filter(([key, value]) => !fromImage || !(key in fromImage) || !same(fromImage[key], value));
  return own.length > 0 ? Object.fromEntries(own) : undefined;
}

/**
 * The health check fields the operator changed. Docker fills each field left unset from the image, so a
 * changed interval alone must not carry the old image's test command over to the new image.
 */
export function operatorHealthcheck(
  check: Docker.HealthConfig | null | undefined,
  fromImage: Docker.HealthConfig | null | undefined,
): Docker.HealthConfig | undefined {
  if (!check) return undefined;
  if (!fromImage) return check;
  return operatorEntries(check as Record<string, unknown>, fromImage as Record<string, unknown>) as Docker.HealthConfig | undefined;
}

/**
 * Entrypoint and Cmd. Docker drops the image's CMD when a container sets its own entrypoint, so a
 * container whose entrypoint differs from the image's keeps both verbatim; otherwise Cmd alone is
 * compared. An entrypoint reset to nothing (`--entrypoint ''`) is sent as [''], Docker's own way to say so.
 */
function commandLine(config: ContainerConfig, base: ImageConfig): Pick<Docker.ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const entrypoint = list(config.Entrypoint);
  if (!same(entrypoint, list(base.Entrypoint))) {
    return { Entrypoint: entrypoint.length > 0 ? entrypoint : [''], Cmd: list(config.Cmd) };
  }
  const cmd = list(config.Cmd);
  return { Cmd: same(cmd, list(base.Cmd)) ? undefined : cmd };
}

function list(value: string | string[] | null | undefined): string[] {
  if (value === null || value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function differs<T>(value: T | undefined, fromImage: T | undefined): T | undefined {
  return same(value, fromImage) ? undefined : value;
}

/**
 * The hostname only when the operator gave one: Docker names a container after its short id, and with
 * host networking it takes the host's name (which must not be pinned, and which such a container cannot set).
 */
function ownHostname(container: InspectedContainer): string | undefined {
  const hostname = container.Config.Hostname;
  if (!hostname || hostname === container.Id.slice(0, 12)) return undefined;
  return SHARED_NETWORK.test(container.HostConfig.NetworkMode ?? '') ? undefined : hostname;
}

/**
 * HostConfig in full, as the engine reports it, with four repairs: legacy links come back as
 * `/other:/self/alias` and go in as `other:alias`; ulimits named `RLIMIT_X` (Podman) go in as `x`; anonymous volumes (a bare `-v /data`, an image's
 * VOLUME, a compose volume without a source) are mounted by their names, so the data in them stays
 * with the service as compose does on recreate; ContainerIDFile is the CLI's, not the engine's.
 */
function hostConfig(container: InspectedContainer): Docker.HostConfig {
  const { ContainerIDFile: _idFile, ...host } = container.HostConfig;
  const links = (host.Links as string[] | null | undefined)?.map(legacyLink);
  const ulimits = host.Ulimits ? host.Ulimits.map((limit) => ({ ...limit, Name: ulimitName(limit.Name) })) : host.Ulimits;
  return compact({ ...host, Links: links, Ulimits: ulimits, Mounts: mountsKeepingVolumes(container) });
}

/** Podman's inspect names a limit as the kernel does (`RLIMIT_NOFILE`); every engine's create takes `nofile`. */
function ulimitName(name: string | undefined): string | undefined {
  return name?.startsWith('RLIMIT_') ? name.slice('RLIMIT_'.length).toLowerCase() : name;
}

function legacyLink(link: string): string {
  const [target = '', alias = ''] = link.split(':');
  return `${target.replace(/^\//, '')}:${alias.slice(alias.lastIndexOf('/') + 1)}`;
}

function mountsKeepingVolumes(container: InspectedContainer): Docker.MountSettings[] | undefined {
  const host = container.HostConfig;
  const volumeAt = new Map<string, MountPoint & { Name: string }>();
  for (const mount of container.Mounts ?? []) {
    if (mount.Type === 'volume' && mount.Name) volumeAt.set(mount.Destination, mount as MountPoint & { Name: string });
  }
  const declared = (host.Mounts ?? []).map((mount) => {
    const volume = volumeAt.get(mount.Target);
    return mount.Type === 'volume' && !mount.Source && volume ? { ...mount, Source: volume.Name } : mount;
  });
  const taken = new Set([
    ...declared.map((mount) => mount.Target),
    ...(host.Binds ?? []).map((bind) => bind.split(':')[1] ?? ''),
    ...Object.keys(host.Tmpfs ?? {}),
  ]);
  const anonymous: Docker.MountSettings[] = [];
  for (const target of Object.keys(container.Config.Volumes ?? {})) {
    const volume = volumeAt.get(target);
    if (volume && !taken.has(target)) anonymous.push({ Type: 'volume', Source: volume.Name, Target: target, ReadOnly: volume.RW === false });
  }
  const mounts = [...declared, ...anonymous];
  return mounts.length > 0 || host.Mounts ? mounts : undefined;
}

/**
 * The container's networks, the one of its NetworkMode first (it is given at create), each with the
 * operator's aliases, static addresses, links and driver options; not the container-id alias Docker
 * adds on its own, nor addresses the engine assigned. None for host, none or another container's network.
 */
function networkAttachments(container: InspectedContainer): NetworkAttachment[] {
  const mode = container.HostConfig.NetworkMode || 'default';
  if (SHARED_NETWORK.test(mode)) return [];
  const primary = mode === 'default' ? 'bridge' : mode;
  const attachments = Object.entries(container.NetworkSettings?.Networks ?? {}).map(([network, endpoint]) => ({
    network,
    endpoint: endpointSettings(container, endpoint),
    primary: network === primary || (endpoint.NetworkID !== undefined && endpoint.NetworkID.startsWith(primary)),
  }));
  attachments.sort((a, b) => Number(b.primary) - Number(a.primary));
  return attachments.map(({ network, endpoint }) => ({ network, endpoint }));
}

function endpointSettings(container: InspectedContainer, endpoint: Endpoint): Docker.EndpointSettings {
  const aliases = (endpoint.Aliases ?? []).filter((alias) => !isIdAlias(container.Id, alias));
  const ipam = endpoint.IPAMConfig;
  const staticAddress = ipam && (ipam.IPv4Address || ipam.IPv6Address || (ipam.LinkLocalIPs?.length ?? 0) > 0);
  return compact({
    Aliases: aliases.length > 0 ? aliases : undefined,
    IPAMConfig: staticAddress ? ipam : undefined,
    Links: endpoint.Links?.length ? endpoint.Links : undefined,
    DriverOpts: endpoint.DriverOpts && Object.keys(endpoint.DriverOpts).length > 0 ? endpoint.DriverOpts : undefined,
  });
}

/** Docker adds the short container id as an alias on every user-defined network. */
function isIdAlias(id: string, alias: string): boolean {
  return alias.length >= 12 && /^[0-9a-f]+$/.test(alias) && id.startsWith(alias);
}

/** Structural equality of JSON values; `undefined`, null and empty lists or maps are all "not set". */
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalised(a)) === JSON.stringify(normalised(b));
}

function normalised(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length > 0 ? value.map(normalised) : undefined;
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, inner]) => [key, normalised(inner)] as const)
      .filter(([, inner]) => inner !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

/** Leaves out the keys whose value is undefined, so that the options say only what is set. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

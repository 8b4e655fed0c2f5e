import type { ContainerInspectInfo } from 'dockerode';
import { describe, expect, it } from 'vitest';
import { connectorFiles } from '../../src/integrations/backup/connector-files.ts';

const ID = '5f3c9a1e7b2d4c6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f';
const LOG_PATH = `/var/lib/docker/containers/${ID}/${ID}-json.log`;

/**
 * `docker inspect` of a Connector started by `docker compose up` from /srv/connector:
 * `./config.json:/config.json:ro` with CUSTOM_CONFIG_LOCATION=/config.json, the named volume
 * `logs` for /var/log/enmeshed-connector, a tmpfs for /tmp, json-file logs rotated at 3 files.
 */
function composeConnector(): ContainerInspectInfo {
  return {
    Id: ID,
    Created: '2026-08-19T07:12:44.201913853Z',
    Path: 'node',
    Args: ['/usr/app/dist/index.js', 'start'],
    State: {
      Status: 'running',
      Running: true,
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: 41213,
      ExitCode: 0,
      Error: '',
      StartedAt: '2026-08-19T07:12:45.017392416Z',
      FinishedAt: '0001-01-01T00:00:00Z',
      Health: { Status: 'healthy', FailingStreak: 0, Log: [] },
    },
    Image: 'sha256:8d1c4f0b3a2e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c',
    ResolvConfPath: `/var/lib/docker/containers/${ID}/resolv.conf`,
    HostnamePath: `/var/lib/docker/containers/${ID}/hostname`,
    HostsPath: `/var/lib/docker/containers/${ID}/hosts`,
    LogPath: LOG_PATH,
    Name: '/connector-connector-1',
    RestartCount: 0,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: 'docker-default',
    ExecIDs: undefined,
    HostConfig: {
      Binds: ['/srv/connector/config.json:/config.json:ro'],
      ContainerIDFile: '',
      LogConfig: { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } },
      NetworkMode: 'connector_default',
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      AutoRemove: false,
      Mounts: [
        { Type: 'volume', Source: 'connector_logs', Target: '/var/log/enmeshed-connector', VolumeOptions: {} },
        { Type: 'tmpfs', Source: '', Target: '/tmp' },
      ],
    },
    GraphDriver: { Name: 'overlay2', Data: { DeviceId: '', DeviceName: '', DeviceSize: '' } },
    Mounts: [
      { Type: 'bind', Source: '/srv/connector/config.json', Destination: '/config.json', Mode: 'ro', RW: false, Propagation: 'rprivate' },
      {
        Type: 'volume',
        Name: 'connector_logs',
        Source: '/var/lib/docker/volumes/connector_logs/_data',
        Destination: '/var/log/enmeshed-connector',
        Driver: 'local',
        Mode: 'z',
        RW: true,
        Propagation: '',
      },
      { Type: 'tmpfs', Source: '', Destination: '/tmp', Mode: '', RW: true, Propagation: '' },
    ],
    Config: {
      Hostname: '5f3c9a1e7b2d',
      Domainname: '',
      User: 'node',
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      ExposedPorts: { '80/tcp': {} },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: [
        'CUSTOM_CONFIG_LOCATION=/config.json',
        'DATABASE_CONNECTION_STRING=mongodb://root:example@mongo:27017/?authSource=admin',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        'NODE_VERSION=22.18.0',
        'NODE_ENV=production',
      ],
      Cmd: ['start'],
      Image: 'ghcr.io/nmshd/connector:7.4.6',
      Volumes: { '/var/log/enmeshed-connector': {} },
      WorkingDir: '/usr/app',
      Entrypoint: ['node', '/usr/app/dist/index.js'],
      OnBuild: null,
      Labels: {
        'com.docker.compose.config-hash': '6b1f0e2d9c8a7b6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f',
        'com.docker.compose.container-number': '1',
        'com.docker.compose.oneoff': 'False',
        'com.docker.compose.project': 'connector',
        'com.docker.compose.project.config_files': '/srv/connector/compose.yml',
        'com.docker.compose.project.working_dir': '/srv/connector',
        'com.docker.compose.service': 'connector',
        'com.docker.compose.version': '2.39.1',
        'org.opencontainers.image.source': 'https://github.com/nmshd/connector',
        'org.opencontainers.image.version': '7.4.6',
      },
    },
    NetworkSettings: {
      Bridge: '',
      SandboxID: '',
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] },
      SandboxKey: '',
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: '',
      Gateway: '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: '',
      IPPrefixLen: 0,
      IPv6Gateway: '',
      MacAddress: '',
      Networks: {},
    },
  } as unknown as ContainerInspectInfo;
}

type Mount = ContainerInspectInfo['Mounts'][number];

function withChanges(change: (inspect: ContainerInspectInfo) => void): ContainerInspectInfo {
  const inspect = composeConnector();
  change(inspect);
  return inspect;
}

function bind(source: string, destination: string): Mount {
  return { Type: 'bind', Source: source, Destination: destination, Mode: '', RW: true, Propagation: 'rprivate' };
}

const local = { localEngine: true };
const paths = (found: ReturnType<typeof connectorFiles>) => found.files.map((f) => f.path);

describe('connectorFiles of a compose-started Connector', () => {
  const found = connectorFiles(composeConnector(), local);

  it('takes the bind-mounted config.json that CUSTOM_CONFIG_LOCATION names, from its host path', () => {
    expect(found.files[0]).toEqual({
      path: '/srv/connector/config.json',
      kind: 'configuration',
      why: 'CUSTOM_CONFIG_LOCATION=/config.json is mounted',
    });
  });

  it("takes the named log volume at Docker's mountpoint", () => {
    expect(found.files).toContainEqual({
      path: '/var/lib/docker/volumes/connector_logs/_data',
      kind: 'logs',
      why: 'mounted as the log directory /var/log/enmeshed-connector',
    });
  });

  it("takes Docker's json-file log, where the Connector's stdout goes, and its rotations as optional", () => {
    expect(found.files).toContainEqual(expect.objectContaining({ path: LOG_PATH, kind: 'logs' }));
    expect(found.files.filter((f) => f.optional).map((f) => f.path)).toEqual([`${LOG_PATH}.1`, `${LOG_PATH}.2`]);
  });

  it('leaves out the tmpfs and the environment, which are no files on the host', () => {
    expect(paths(found).some((p) => p.includes('tmp'))).toBe(false);
    expect(paths(found)).toHaveLength(5);
    expect(found.notIncluded).toEqual([]);
  });
});

describe('connectorFiles, finding the configuration', () => {
  it('finds config.json inside a mounted directory, and a relative location from the working directory', () => {
    const inspect = withChanges((i) => {
      i.Config.Env = ['CUSTOM_CONFIG_LOCATION=config/connector.json'];
      i.Mounts = [bind('/etc/enmeshed', '/usr/app/config')];
    });
    expect(connectorFiles(inspect, local).files[0]).toEqual({
      path: '/etc/enmeshed/connector.json',
      kind: 'configuration',
      why: 'CUSTOM_CONFIG_LOCATION=/usr/app/config/connector.json lies in the mount at /usr/app/config',
    });
  });

  it('says when CUSTOM_CONFIG_LOCATION is on no mount (baked into the image), and still keeps a conventional mount', () => {
    const inspect = withChanges((i) => {
      i.Config.Env = ['CUSTOM_CONFIG_LOCATION=/usr/app/custom.json'];
      i.Mounts = [bind('/srv/connector/config.json', '/config.json')];
    });
    const found = connectorFiles(inspect, local);
    expect(found.notIncluded).toEqual([
      { what: 'configuration file /usr/app/custom.json', reason: expect.stringContaining('baked into the image') },
    ]);
    expect(found.files[0]).toMatchObject({ path: '/srv/connector/config.json', why: expect.stringContaining('points at /usr/app/custom.json') });
  });

  it('takes the conventional mounts without CUSTOM_CONFIG_LOCATION, saying the Connector may not read them', () => {
    const inspect = withChanges((i) => {
      i.Config.Env = ['NODE_ENV=production'];
      i.Mounts = [bind('/opt/connector/config.json', '/usr/app/config.json')];
    });
    expect(connectorFiles(inspect, local).files[0]).toEqual({
      path: '/opt/connector/config.json',
      kind: 'configuration',
      why: expect.stringContaining('CUSTOM_CONFIG_LOCATION is not set'),
    });
  });

  it('says there is no configuration file when nothing is mounted and no location is set', () => {
    const inspect = withChanges((i) => {
      i.Config.Env = [];
      i.Mounts = [];
    });
    expect(connectorFiles(inspect, local).notIncluded).toEqual([
      { what: 'configuration file', reason: expect.stringContaining('the configuration is the environment (in container.json)') },
    ]);
  });

  it('reads a config.json in a named volume from its mountpoint, and refuses one on a tmpfs', () => {
    const volume = withChanges((i) => {
      i.Config.Env = ['CUSTOM_CONFIG_LOCATION=/config/config.json'];
      i.Mounts = [{ Type: 'volume', Name: 'cfg', Source: '/var/lib/docker/volumes/cfg/_data', Destination: '/config', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }];
    });
    expect(connectorFiles(volume, local).files[0]?.path).toBe('/var/lib/docker/volumes/cfg/_data/config.json');
    const tmpfs = withChanges((i) => {
      i.Config.Env = ['CUSTOM_CONFIG_LOCATION=/run/config.json'];
      i.Mounts = [];
      i.HostConfig.Tmpfs = { '/run': 'rw,noexec' };
    });
    expect(connectorFiles(tmpfs, local).notIncluded).toContainEqual({
      what: 'configuration file /run/config.json',
      reason: "a tmpfs at /run: it lives in the container's memory, not on the host",
    });
  });
});

describe('connectorFiles, finding log files', () => {
  it('takes log directories named in the options, inside a wider mount, and says which are on no mount', () => {
    const inspect = withChanges((i) => {
      i.Mounts = [bind('/srv/connector/config.json', '/config.json'), bind('/srv/connector/var', '/var/lib/connector')];
    });
    const found = connectorFiles(inspect, { localEngine: true, logDirectories: ['/var/lib/connector/logs', '/usr/app/logs'] });
    expect(found.files).toContainEqual({
      path: '/srv/connector/var/logs',
      kind: 'logs',
      why: 'the log directory /var/lib/connector/logs lies in the mount at /var/lib/connector',
    });
    expect(found.notIncluded).toEqual([{ what: 'log directory /usr/app/logs', reason: expect.stringContaining('writable layer') }]);
  });

  it('takes a mount below the log directory too', () => {
    const inspect = withChanges((i) => {
      i.Mounts = [bind('/mnt/archive', '/var/log/enmeshed-connector/archive')];
    });
    expect(connectorFiles(inspect, local).files).toContainEqual(expect.objectContaining({ path: '/mnt/archive', kind: 'logs' }));
  });

  it('refuses a log volume of another driver', () => {
    const inspect = withChanges((i) => {
      const logs = i.Mounts[1]!;
      logs.Driver = 'rexray/ebs';
    });
    expect(connectorFiles(inspect, local).notIncluded).toContainEqual({
      what: 'log directory /var/log/enmeshed-connector',
      reason: 'volume connector_logs uses the "rexray/ebs" driver: its data is with the driver, not at a host path',
    });
  });

  it("says when the engine keeps the stdout log outside its files, or keeps none", () => {
    const journald = withChanges((i) => {
      i.LogPath = '';
      i.HostConfig.LogConfig = { Type: 'journald', Config: {} };
    });
    expect(connectorFiles(journald, local).notIncluded).toContainEqual({
      what: "the engine's log of the container (the Connector's stdout)",
      reason: `the "journald" log driver keeps it outside the engine's files`,
    });
    const none = withChanges((i) => {
      i.LogPath = '';
      i.HostConfig.LogConfig = { Type: 'none', Config: {} };
    });
    expect(connectorFiles(none, local).notIncluded[0]?.reason).toContain('the engine keeps no log');
  });

  it("takes the local log driver's directory, and json-file's compressed rotations", () => {
    const localDriver = withChanges((i) => {
      i.LogPath = `/var/lib/docker/containers/${ID}/local-logs/container.log`;
      i.HostConfig.LogConfig = { Type: 'local', Config: {} };
    });
    expect(paths(connectorFiles(localDriver, local))).toContain(`/var/lib/docker/containers/${ID}/local-logs`);
    const compressed = withChanges((i) => {
      i.HostConfig.LogConfig = { Type: 'json-file', Config: { 'max-file': '2', compress: 'true' } };
    });
    expect(connectorFiles(compressed, local).files.filter((f) => f.optional).map((f) => f.path)).toEqual([`${LOG_PATH}.1`, `${LOG_PATH}.1.gz`]);
  });
});

describe('connectorFiles on a remote engine', () => {
  it('includes nothing and says for each path that it is on the remote host', () => {
    const found = connectorFiles(composeConnector(), { localEngine: false });
    expect(found.files).toEqual([]);
    expect(found.notIncluded).toContainEqual({
      what: 'log directory /var/log/enmeshed-connector',
      reason: "volume connector_logs at /var/lib/docker/volumes/connector_logs/_data is on the remote engine's host, not on this machine",
    });
    expect(found.notIncluded).toContainEqual({
      what: 'configuration file /config.json',
      reason: "/srv/connector/config.json is on the remote engine's host, not on this machine",
    });
  });
});

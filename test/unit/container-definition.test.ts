import { describe, expect, it } from 'vitest';
import {
  containerDefinition,
  operatorEnv,
  operatorHealthcheck,
  type InspectedContainer,
  type InspectedImage,
} from '../../src/integrations/docker/container-definition.ts';

const ID = '4f2a9c1e7b3d8a6f5e0c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e';
const SHORT_ID = ID.slice(0, 12);
const IMAGE_ID = 'sha256:9b1e0c3f4a5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f';
const HEALTHCHECK = {
  Test: ['CMD', 'node', '/usr/app/dist/healthcheck.js'],
  Interval: 30_000_000_000,
  Timeout: 5_000_000_000,
  StartPeriod: 5_000_000_000,
  Retries: 5,
};
const IMAGE_ENV = ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_VERSION=24.12.0', 'YARN_VERSION=1.22.22'];
const IMAGE_LABELS = {
  'org.opencontainers.image.created': '2026-07-30T11:02:17.412Z',
  'org.opencontainers.image.revision': '8c1d7e0b5f0e4d6f9a2b3c4d5e6f7a8b9c0d1e2f',
  'org.opencontainers.image.source': 'https://github.com/nmshd/connector',
  'org.opencontainers.image.version': '7.4.6',
};
const COMPOSE_LABELS = {
  'com.docker.compose.config-hash': '3e8d0c5b9f1a2e4d6c8b0a9f7e5d3c1b2a4f6e8d0c9b7a5f3e1d2c4b6a8f0e9d',
  'com.docker.compose.container-number': '1',
  'com.docker.compose.depends_on': 'mongodb:service_started:false',
  'com.docker.compose.image': IMAGE_ID,
  'com.docker.compose.oneoff': 'False',
  'com.docker.compose.project': 'connector',
  'com.docker.compose.project.config_files': '/opt/connector/docker-compose.yml',
  'com.docker.compose.project.working_dir': '/opt/connector',
  'com.docker.compose.service': 'connector',
  'com.docker.compose.version': '2.29.7',
};

/** `docker image inspect ghcr.io/nmshd/connector:7.4.6` (the fields a Config has). */
function connectorImage(): InspectedImage {
  return {
    Id: IMAGE_ID,
    Config: {
      User: 'node',
      ExposedPorts: null,
      Env: [...IMAGE_ENV],
      Cmd: ['start'],
      Volumes: null,
      WorkingDir: '/usr/app',
      Entrypoint: ['/usr/bin/tini', '--', 'node', '/usr/app/dist/index.js'],
      Labels: { ...IMAGE_LABELS },
      Healthcheck: { ...HEALTHCHECK },
    },
  };
}

/**
 * `docker inspect connector-connector-1` of a Connector that `docker compose up` started: config.json
 * bind-mounted, two variables of its own, restart unless-stopped, 1 GiB, json-file logs with max-size,
 * the project's network with compose's aliases and a second network for monitoring.
 */
function composeConnector(): InspectedContainer {
  // As the engine answers: JSON with nulls where dockerode's typings have none.
  const inspect = {
    Id: ID,
    Name: '/connector-connector-1',
    Config: {
      Hostname: SHORT_ID,
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
        'DATABASE_CONNECTION_STRING=mongodb://root:example@mongodb:27017/?authSource=admin',
        ...IMAGE_ENV,
      ],
      Cmd: ['start'],
      Volumes: null,
      WorkingDir: '/usr/app',
      Entrypoint: ['/usr/bin/tini', '--', 'node', '/usr/app/dist/index.js'],
      Labels: { ...COMPOSE_LABELS, ...IMAGE_LABELS },
      Healthcheck: { ...HEALTHCHECK },
    },
    HostConfig: {
      Binds: ['/opt/connector/config.json:/config.json:ro'],
      ContainerIDFile: '',
      LogConfig: { Type: 'json-file', Config: { 'max-file': '3', 'max-size': '10m' } },
      NetworkMode: 'connector_default',
      PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      AutoRemove: false,
      VolumeDriver: '',
      VolumesFrom: null,
      ConsoleSize: [0, 0],
      CapAdd: null,
      CapDrop: null,
      Dns: null,
      DnsOptions: null,
      DnsSearch: null,
      ExtraHosts: ['host.docker.internal:host-gateway'],
      GroupAdd: null,
      IpcMode: 'private',
      Cgroup: '',
      Links: null,
      OomScoreAdj: 0,
      PidMode: '',
      Privileged: false,
      PublishAllPorts: false,
      ReadonlyRootfs: false,
      SecurityOpt: ['no-new-privileges:true'],
      UTSMode: '',
      UsernsMode: '',
      ShmSize: 67108864,
      Runtime: 'runc',
      Isolation: '',
      CpuShares: 512,
      Memory: 1073741824,
      NanoCpus: 1500000000,
      CgroupParent: '',
      BlkioWeight: 0,
      BlkioWeightDevice: null,
      CpuPeriod: 0,
      CpuQuota: 0,
      CpusetCpus: '',
      CpusetMems: '',
      Devices: null,
      MemoryReservation: 0,
      MemorySwap: 2147483648,
      MemorySwappiness: null,
      OomKillDisable: false,
      PidsLimit: null,
      Ulimits: null,
      MaskedPaths: ['/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/sys/firmware'],
      ReadonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
    Mounts: [{ Type: 'bind', Destination: '/config.json', RW: false }],
    NetworkSettings: {
      Networks: {
        connector_default: {
          IPAMConfig: null,
          Links: null,
          Aliases: ['connector-connector-1', 'connector', SHORT_ID],
          DriverOpts: null,
          NetworkID: 'c0ffee1234567890c0ffee1234567890c0ffee1234567890c0ffee1234567890',
        },
        monitoring: {
          IPAMConfig: { IPv4Address: '172.30.0.10' },
          Links: null,
          Aliases: ['connector-metrics', SHORT_ID],
          DriverOpts: null,
          NetworkID: 'deadbeef12345678deadbeef12345678deadbeef12345678deadbeef12345678',
        },
      },
    },
  };
  return inspect as unknown as InspectedContainer;
}

const NEW_IMAGE = 'ghcr.io/nmshd/connector:7.5.0';

describe('containerDefinition', () => {
  it('names the new image and keeps the container name without the slash', () => {
    const definition = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    expect(definition.name).toBe('connector-connector-1');
    expect(definition.create.Image).toBe(NEW_IMAGE);
    expect(definition.create).not.toHaveProperty('name');
  });

  it('keeps the operator’s variables and leaves the old image’s PATH and NODE_VERSION to the new image', () => {
    const { create } = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    expect(create.Env).toEqual([
      'CUSTOM_CONFIG_LOCATION=/config.json',
      'DATABASE_CONNECTION_STRING=mongodb://root:example@mongodb:27017/?authSource=admin',
    ]);
  });

  it('keeps a variable the operator set over an image default, compared per name', () => {
    const container = composeConnector();
    container.Config.Env = ['NODE_VERSION=24.12.0', 'PATH=/opt/tools/bin:/usr/local/bin:/usr/bin:/bin', 'CUSTOM_CONFIG_LOCATION=/config.json', 'YARN_VERSION=1.22.22'];
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create.Env).toEqual([
      'PATH=/opt/tools/bin:/usr/local/bin:/usr/bin:/bin',
      'CUSTOM_CONFIG_LOCATION=/config.json',
    ]);
  });

  it('keeps compose’s labels and drops the image’s, so the new image’s version label applies', () => {
    const { create } = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    expect(create.Labels).toEqual(COMPOSE_LABELS);
    expect(create.Labels).not.toHaveProperty('org.opencontainers.image.version');
  });

  it('keeps a label the operator set over the image’s value', () => {
    const container = composeConnector();
    container.Config.Labels = { ...container.Config.Labels, 'org.opencontainers.image.source': 'https://git.example.org/fork/connector' };
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create.Labels).toMatchObject({
      'org.opencontainers.image.source': 'https://git.example.org/fork/connector',
    });
  });

  it('leaves Entrypoint, Cmd, WorkingDir, User and Healthcheck equal to the old image’s to the new image', () => {
    const { create } = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    for (const field of ['Entrypoint', 'Cmd', 'WorkingDir', 'User', 'Healthcheck', 'Volumes', 'StopSignal', 'Hostname']) {
      expect(create, field).not.toHaveProperty(field);
    }
  });

  it('keeps an operator’s command, working directory and user', () => {
    const container = composeConnector();
    Object.assign(container.Config, { Cmd: ['start', '--verbose'], WorkingDir: '/srv', User: '1000:1000' });
    const { create } = containerDefinition(container, connectorImage(), NEW_IMAGE);
    expect(create).toMatchObject({ Cmd: ['start', '--verbose'], WorkingDir: '/srv', User: '1000:1000' });
    expect(create).not.toHaveProperty('Entrypoint');
  });

  it('keeps an operator’s entrypoint with its command, which Docker would not take from the image then', () => {
    const container = composeConnector();
    Object.assign(container.Config, { Entrypoint: ['/bin/sh', '-c'], Cmd: ['node /usr/app/dist/index.js start'] });
    const { create } = containerDefinition(container, connectorImage(), NEW_IMAGE);
    expect(create).toMatchObject({ Entrypoint: ['/bin/sh', '-c'], Cmd: ['node /usr/app/dist/index.js start'] });
  });

  it('keeps an entrypoint reset to nothing as Docker’s [""]', () => {
    const container = composeConnector();
    Object.assign(container.Config, { Entrypoint: null, Cmd: ['node', 'dist/index.js', 'start'] });
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create).toMatchObject({ Entrypoint: [''], Cmd: ['node', 'dist/index.js', 'start'] });
  });

  it('keeps only the health check fields the operator changed, and a disabled health check', () => {
    expect(operatorHealthcheck({ ...HEALTHCHECK, Interval: 10_000_000_000 }, HEALTHCHECK)).toEqual({ Interval: 10_000_000_000 });
    expect(operatorHealthcheck({ Test: ['NONE'] }, HEALTHCHECK)).toEqual({ Test: ['NONE'] });
    expect(operatorHealthcheck(HEALTHCHECK, undefined)).toEqual(HEALTHCHECK);
    expect(operatorHealthcheck(HEALTHCHECK, HEALTHCHECK)).toBeUndefined();
  });

  it('keeps the ports compose exposes and drops the ones the image exposes', () => {
    const image = connectorImage();
    image.Config!.ExposedPorts = { '80/tcp': {} };
    const container = composeConnector();
    container.Config.ExposedPorts = { '80/tcp': {}, '9090/tcp': {} };
    expect(containerDefinition(container, image, NEW_IMAGE).create.ExposedPorts).toEqual({ '9090/tcp': {} });
    expect(containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE).create.ExposedPorts).toEqual({ '80/tcp': {} });
  });

  it('copies HostConfig in full: binds, ports, restart policy, logging, limits, security', () => {
    const { create } = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    const { ContainerIDFile: _, Links: _links, ...expected } = composeConnector().HostConfig;
    expect(create.HostConfig).toEqual(expected);
    expect(create.HostConfig).toMatchObject({
      Binds: ['/opt/connector/config.json:/config.json:ro'],
      RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } },
      Memory: 1073741824,
      NanoCpus: 1500000000,
      NetworkMode: 'connector_default',
    });
    expect(create.HostConfig).not.toHaveProperty('ContainerIDFile');
  });

  it('puts the network of its NetworkMode in the create call with compose’s aliases, without the id alias', () => {
    const definition = containerDefinition(composeConnector(), connectorImage(), NEW_IMAGE);
    expect(definition.create.NetworkingConfig).toEqual({
      EndpointsConfig: { connector_default: { Aliases: ['connector-connector-1', 'connector'] } },
    });
    expect(definition.moreNetworks).toEqual([
      { network: 'monitoring', endpoint: { Aliases: ['connector-metrics'], IPAMConfig: { IPv4Address: '172.30.0.10' } } },
    ]);
  });

  it('finds the primary network by id when NetworkMode names an id', () => {
    const container = composeConnector();
    container.HostConfig.NetworkMode = 'deadbeef1234';
    const definition = containerDefinition(container, connectorImage(), NEW_IMAGE);
    expect(Object.keys(definition.create.NetworkingConfig?.EndpointsConfig ?? {})).toEqual(['monitoring']);
    expect(definition.moreNetworks.map((n) => n.network)).toEqual(['connector_default']);
  });

  it('attaches no networks and no hostname with host networking', () => {
    const container = composeConnector();
    container.HostConfig.NetworkMode = 'host';
    container.Config.Hostname = 'docker-host-01';
    container.NetworkSettings = { Networks: { host: { Aliases: null, NetworkID: 'abc' } } };
    const definition = containerDefinition(container, connectorImage(), NEW_IMAGE);
    expect(definition.create).not.toHaveProperty('NetworkingConfig');
    expect(definition.create).not.toHaveProperty('Hostname');
    expect(definition.moreNetworks).toEqual([]);
  });

  it('keeps a hostname the operator set', () => {
    const container = composeConnector();
    container.Config.Hostname = 'connector-prod';
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create.Hostname).toBe('connector-prod');
  });

  it('mounts anonymous volumes by their names, so their data stays with the service', () => {
    const container = composeConnector();
    container.Config.Volumes = { '/var/log/enmeshed-connector': {}, '/data': {} };
    container.HostConfig.Mounts = [{ Type: 'volume', Target: '/cache' } as never, { Type: 'volume', Source: 'connector_keys', Target: '/keys' }];
    container.HostConfig.Binds = ['/opt/connector/config.json:/config.json:ro', 'connector_data:/data'];
    container.Mounts = [
      { Type: 'bind', Destination: '/config.json', RW: false },
      { Type: 'volume', Name: 'connector_data', Destination: '/data', RW: true },
      { Type: 'volume', Name: 'connector_keys', Destination: '/keys', RW: true },
      { Type: 'volume', Name: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', Destination: '/cache', RW: true },
      { Type: 'volume', Name: '0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a49382716f5e4d3c2b1a0', Destination: '/var/log/enmeshed-connector', RW: true },
    ];
    const { create } = containerDefinition(container, connectorImage(), NEW_IMAGE);
    expect(create.HostConfig?.Binds).toEqual(['/opt/connector/config.json:/config.json:ro', 'connector_data:/data']);
    expect(create.HostConfig?.Mounts).toEqual([
      { Type: 'volume', Source: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', Target: '/cache' },
      { Type: 'volume', Source: 'connector_keys', Target: '/keys' },
      {
        Type: 'volume',
        Source: '0f9e8d7c6b5a49382716f5e4d3c2b1a00f9e8d7c6b5a49382716f5e4d3c2b1a0',
        Target: '/var/log/enmeshed-connector',
        ReadOnly: false,
      },
    ]);
    expect(create.Volumes).toEqual({ '/var/log/enmeshed-connector': {}, '/data': {} });
  });

  it('turns legacy links from their inspect form back into the create form', () => {
    const container = composeConnector();
    container.HostConfig.Links = ['/mongodb:/connector-connector-1/db'];
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create.HostConfig?.Links).toEqual(['mongodb:db']);
  });

  it('keeps StopSignal and StopTimeout the operator set', () => {
    const container = composeConnector();
    Object.assign(container.Config, { StopSignal: 'SIGINT', StopTimeout: 30 });
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create).toMatchObject({ StopSignal: 'SIGINT', StopTimeout: 30 });
  });

  it('leaves out a StopTimeout of 0 (Podman reports it when none was set), so a stop gets the engine\'s grace', () => {
    const container = composeConnector();
    Object.assign(container.Config, { StopTimeout: 0 });
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create).not.toHaveProperty('StopTimeout');
  });

  it('copies everything when the old image has no config to compare with', () => {
    const { create } = containerDefinition(composeConnector(), { Id: IMAGE_ID, Config: null }, NEW_IMAGE);
    expect(create.Env).toEqual(composeConnector().Config.Env);
    expect(create.Healthcheck).toEqual(HEALTHCHECK);
    expect(create.Cmd).toEqual(['start']);
  });
});

describe('a container on Podman 4 (its Docker-compatible inspect)', () => {
  /** The compose Connector as Podman's inspect shows it: its own variables in Env, limits named as the kernel names them. */
  function onPodman(): InspectedContainer {
    const container = composeConnector();
    container.Config.Hostname = 'connector-host';
    container.Config.Env = [
      IMAGE_ENV[0]!,
      'TERM=xterm',
      'container=podman',
      ...IMAGE_ENV.slice(1),
      'CUSTOM_CONFIG_LOCATION=/config.json',
      'HOME=/home/node',
      'HOSTNAME=connector-host',
    ];
    container.HostConfig.Ulimits = [
      { Name: 'RLIMIT_NOFILE', Soft: 20000, Hard: 20000 },
      { Name: 'RLIMIT_NPROC', Soft: 32768, Hard: 32768 },
    ];
    return container;
  }

  it("leaves out Podman's own variables (its marker, TERM, the old container's HOSTNAME) and keeps the operator's", () => {
    const { create } = containerDefinition(onPodman(), connectorImage(), NEW_IMAGE);
    expect(create.Env).toEqual(['CUSTOM_CONFIG_LOCATION=/config.json', 'HOME=/home/node']);
  });

  it('keeps TERM and HOSTNAME on Docker, which adds neither: there the operator set them', () => {
    const container = composeConnector();
    container.Config.Env = [...(container.Config.Env ?? []), 'TERM=xterm', `HOSTNAME=${SHORT_ID}`];
    expect(containerDefinition(container, connectorImage(), NEW_IMAGE).create.Env).toEqual(expect.arrayContaining(['TERM=xterm', `HOSTNAME=${SHORT_ID}`]));
  });

  it('names the limits as create takes them: RLIMIT_NOFILE as nofile', () => {
    const { create } = containerDefinition(onPodman(), connectorImage(), NEW_IMAGE);
    expect(create.HostConfig?.Ulimits).toEqual([
      { Name: 'nofile', Soft: 20000, Hard: 20000 },
      { Name: 'nproc', Soft: 32768, Hard: 32768 },
    ]);
  });
});

describe('operatorEnv', () => {
  it('takes a variable without a value as its name and says undefined when nothing is the operator’s', () => {
    expect(operatorEnv(['DEBUG', 'PATH=/bin'], ['PATH=/bin'])).toEqual(['DEBUG']);
    expect(operatorEnv(['PATH=/bin'], ['PATH=/bin'])).toBeUndefined();
  });
});

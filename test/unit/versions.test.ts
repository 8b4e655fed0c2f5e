import { aConnector } from '../support/builders.ts';
import { describe, expect, it } from 'vitest';
import { assessVersions, numericVersion, VersionsCheck, type EngineReading, type HostReading } from '../../src/checks/versions.ts';
import { engineInfoFrom, type EngineInfo } from '../../src/integrations/docker/engine-info.ts';
import type { HostOsInfo } from '../../src/integrations/host/os-info.ts';

const ENGINE: EngineInfo = {
  kind: 'Docker',
  version: '20.10.24+dfsg1',
  apiVersion: '1.41',
  minApiVersion: '1.12',
  operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
  osType: 'linux',
  kernelVersion: '6.1.0-18-amd64',
  architecture: 'x86_64',
};
const HOST: HostOsInfo = { distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', kernel: '6.1.0-18-amd64', arch: 'x64' };
const engineOk: EngineReading = { ok: true, engine: ENGINE };
const hostOk: HostReading = { ok: true, host: HOST };

describe('assessVersions', () => {
  it('is ok at or above the minimums, and says what runs', () => {
    const result = assessVersions(engineOk, hostOk, { minDockerVersion: '20.10', minApiVersion: '1.41', minKernel: '5.10' });
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Docker 20.10.24+dfsg1 (API 1.41), kernel 6.1.0-18-amd64; bot host Debian GNU/Linux 12');
    expect(result.details).toContainEqual({ label: 'Docker Engine', value: '20.10.24+dfsg1 (minimum 20.10)', status: 'ok' });
    expect(result.details).toContainEqual({ label: 'bot host OS', value: 'Debian GNU/Linux 12 (bookworm), x64' });
  });

  it('warns below a minimum and says what is expected', () => {
    const result = assessVersions(engineOk, hostOk, { minDockerVersion: '25.0', minApiVersion: '1.44', minKernel: '6.6' });
    expect(result.status).toBe('warn');
    expect(result.summary).toContain('Docker Engine 20.10.24+dfsg1 is below the minimum 25.0');
    expect(result.summary).toContain('Docker API 1.41 is below the minimum 1.44');
    expect(result.details).toContainEqual({
      label: 'Docker host kernel',
      value: '6.1.0-18-amd64: below the minimum 6.6, update it',
      status: 'warn',
    });
    expect(result.details.find((d) => d.label === 'bot host kernel')?.status).toBe('warn');
  });

  it('compares versions numerically, not as text', () => {
    const engine: EngineReading = { ok: true, engine: { ...ENGINE, version: '9.0.0', apiVersion: '1.9' } };
    expect(assessVersions(engine, hostOk, { minDockerVersion: '10.0', minApiVersion: '1.10' }).status).toBe('warn');
    const newer: EngineReading = { ok: true, engine: { ...ENGINE, version: '28.3.2', apiVersion: '1.51' } };
    expect(assessVersions(newer, hostOk, { minDockerVersion: '25.0', minApiVersion: '1.44' }).status).toBe('ok');
  });

  it('reports versions without judging them when no minimum is set', () => {
    const result = assessVersions(engineOk, hostOk, {});
    expect(result.status).toBe('ok');
    expect(result.details.every((d) => d.status === undefined)).toBe(true);
  });

  it('is unknown for the engine part when the engine is down (of a kind it cannot tell), and still reports the OS', () => {
    const result = assessVersions({ ok: false, reason: 'connect ENOENT /var/run/docker.sock' }, hostOk, { minDockerVersion: '20.10' });
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('Engine unreachable: connect ENOENT /var/run/docker.sock; bot host Debian GNU/Linux 12');
    expect(result.details.map((d) => d.label)).toEqual(['Engine', 'bot host OS', 'bot host kernel']);
  });

  it('is unknown for a version it cannot read', () => {
    const engine: EngineReading = { ok: true, engine: { ...ENGINE, kernelVersion: 'unknown' } };
    expect(assessVersions(engine, hostOk, { minKernel: '5.10' }).details).toContainEqual({
      label: 'Docker host kernel',
      value: 'unknown (cannot compare with the minimum 5.10)',
      status: 'unknown',
    });
  });
});

describe('Podman behind the Docker-compatible API', () => {
  // GET /version of Podman 5: Version is Podman's own, ApiVersion the Docker API it speaks.
  const podmanVersion = {
    Version: '5.2.3',
    ApiVersion: '1.41',
    MinAPIVersion: '1.24',
    KernelVersion: '6.10.6-200.fc40.x86_64',
    Os: 'linux',
    Arch: 'amd64',
    Components: [{ Name: 'Podman Engine', Version: '5.2.3' }, { Name: 'Conmon', Version: 'conmon version 2.1.12' }],
  };

  it('is told from Docker by the engine component name', () => {
    expect(engineInfoFrom(podmanVersion, { OperatingSystem: 'fedora', OSType: 'linux' }).kind).toBe('Podman');
    const docker = { Version: '28.3.2', ApiVersion: '1.51', Components: [{ Name: 'Engine', Version: '28.3.2' }], Platform: { Name: 'Docker Engine - Community' } };
    expect(engineInfoFrom(docker, {}).kind).toBe('Docker');
  });

  it("is judged against the Podman minimum, not Docker's: Podman's version numbers are its own", () => {
    const engine: EngineReading = { ok: true, engine: engineInfoFrom(podmanVersion, { OperatingSystem: 'fedora', OSType: 'linux' }) };
    const result = assessVersions(engine, hostOk, { minDockerVersion: '20.10', minPodmanVersion: '4.3', minApiVersion: '1.41' });
    expect(result.status).toBe('ok');
    expect(result.details).toContainEqual({ label: 'Podman Engine', value: '5.2.3 (minimum 4.3)', status: 'ok' });
    expect(result.summary).toContain('Podman 5.2.3 (API 1.41)');
    const old = assessVersions(engine, hostOk, { minDockerVersion: '1.0', minPodmanVersion: '5.4' });
    expect(old.summary).toBe('Podman Engine 5.2.3 is below the minimum 5.4');
  });

  it('names the engine kind in its labels: the API it serves, its host', () => {
    const engine: EngineReading = { ok: true, engine: engineInfoFrom(podmanVersion, { OperatingSystem: 'fedora', OSType: 'linux', Architecture: 'amd64' }) };
    const result = assessVersions(engine, hostOk, { minApiVersion: '1.41', minKernel: '5.10' });
    expect(result.details).toContainEqual({ label: "Podman's Docker API", value: '1.41 (minimum 1.41)', status: 'ok' });
    expect(result.details).toContainEqual({ label: 'Podman host OS', value: 'fedora, linux/amd64' });
    expect(result.details).toContainEqual({ label: 'Podman host kernel', value: '6.10.6-200.fc40.x86_64 (minimum 5.10)', status: 'ok' });
    expect(result.details.map((d) => d.label).filter((label) => label.startsWith('Docker'))).toEqual([]);
  });
});

describe('numericVersion', () => {
  it.each([
    ['20.10.24+dfsg1', [20, 10, 24]],
    ['19.03.15', [19, 3, 15]],
    ['6.1.0-18-amd64', [6, 1, 0]],
    ['5.15.0-1051-azure', [5, 15, 0]],
    ['1.41', [1, 41]],
    ['v28.3.2', [28, 3, 2]],
    ['unknown', undefined],
  ])('%s → %j', (text, expected) => {
    expect(numericVersion(text)).toEqual(expected);
  });
});

describe('VersionsCheck', () => {
  const signal = new AbortController().signal;
  const connector = aConnector('main');

  it('applies Docker 20.10 and API 1.41 as default minimums', async () => {
    const old = { ...ENGINE, version: '19.03.15', apiVersion: '1.40' };
    const check = new VersionsCheck({ engineInfo: () => Promise.resolve(old) }, { hostOs: () => Promise.resolve(HOST) });
    expect(check.appliesTo()).toBe(true);
    const result = await check.run({ connector, signal, now: new Date() });
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('Docker Engine 19.03.15 is below the minimum 20.10; Docker API 1.40 is below the minimum 1.41');
  });

  it('turns a failing reader into unknown, never a throw', async () => {
    const check = new VersionsCheck(
      { engineInfo: () => Promise.reject(new Error('socket hang up')) },
      { hostOs: () => Promise.reject(new Error('no os-release')) },
      { minDockerVersion: undefined },
    );
    const result = await check.run({ connector, signal, now: new Date() });
    expect(result.status).toBe('unknown');
    expect(result.summary).toBe('Engine unreachable: socket hang up; bot host OS unreadable: no os-release');
  });
});

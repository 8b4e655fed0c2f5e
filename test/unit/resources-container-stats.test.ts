import { describe, expect, it } from 'vitest';
import {
  containerCpu,
  containerMemory,
  cpuLimit,
  engineLocation,
  type StatsSample,
} from '../../src/integrations/docker/container-stats.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** A stats answer as the engine gives it with stream=false: two samples one second apart. */
function cpuSample(cpuDeltaNs: number, systemDeltaNs: number, onlineCpus = 4): StatsSample {
  return {
    cpu_stats: { cpu_usage: { total_usage: 5_000_000_000 + cpuDeltaNs }, system_cpu_usage: 9_000_000_000_000 + systemDeltaNs, online_cpus: onlineCpus },
    precpu_stats: { cpu_usage: { total_usage: 5_000_000_000 }, system_cpu_usage: 9_000_000_000_000, online_cpus: onlineCpus },
  };
}

describe('containerCpu', () => {
  it('computes the CPU share as docker stats does', () => {
    // The system counter runs for all 4 CPUs: 4 s per second. 0.5 s of container CPU is half a core.
    const cpu = containerCpu(cpuSample(500_000_000, 4_000_000_000));
    expect(cpu?.percent).toBeCloseTo(50, 6);
    expect(cpu?.onlineCpus).toBe(4);
    expect(cpu?.limitCpus).toBeUndefined();
    expect(cpu?.percentOfAllowed).toBeCloseTo(12.5, 6);
  });

  it('relates the use to the NanoCpus limit', () => {
    const cpu = containerCpu(cpuSample(500_000_000, 4_000_000_000), { NanoCpus: 500_000_000 });
    expect(cpu?.limitCpus).toBe(0.5);
    expect(cpu?.percentOfAllowed).toBeCloseTo(100, 6);
  });

  it('caps a limit above the host at the online CPUs', () => {
    const cpu = containerCpu(cpuSample(4_000_000_000, 4_000_000_000), { NanoCpus: 8e9 });
    expect(cpu?.percentOfAllowed).toBeCloseTo(100, 6);
  });

  it('has no figure without an earlier sample (the first frame of a stream)', () => {
    const sample = cpuSample(500_000_000, 4_000_000_000);
    sample.precpu_stats = { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 };
    expect(containerCpu(sample)).toBeUndefined();
    expect(containerCpu({ cpu_stats: sample.cpu_stats })).toBeUndefined();
  });

  it('counts per-CPU entries when online_cpus is missing (old engines)', () => {
    const sample = cpuSample(1_000_000_000, 2_000_000_000, 0);
    sample.cpu_stats!.cpu_usage!.percpu_usage = [1, 2];
    expect(containerCpu(sample)?.percent).toBeCloseTo(100, 6);
  });

  it('reads an idle container as 0 %', () => {
    expect(containerCpu(cpuSample(0, 4_000_000_000))?.percent).toBe(0);
  });
});

describe('cpuLimit', () => {
  it('reads --cpus (NanoCpus) first, then CpuQuota over CpuPeriod', () => {
    expect(cpuLimit({ NanoCpus: 1_500_000_000 })).toBe(1.5);
    expect(cpuLimit({ CpuQuota: 50_000, CpuPeriod: 100_000 })).toBe(0.5);
    expect(cpuLimit({ CpuQuota: 150_000 })).toBe(1.5);
    expect(cpuLimit({ NanoCpus: 0, CpuQuota: 0, CpuPeriod: 0 })).toBeUndefined();
    expect(cpuLimit({ CpuQuota: -1 })).toBeUndefined();
  });
});

describe('containerMemory', () => {
  it('leaves out inactive file cache on cgroup v1, as docker stats does', () => {
    const memory = containerMemory(
      { memory_stats: { usage: 300 * MiB, limit: 512 * MiB, stats: { total_inactive_file: 44 * MiB, cache: 100 * MiB } } },
      24 * GiB,
    );
    expect(memory).toEqual({ usedBytes: 256 * MiB, limitBytes: 512 * MiB, limited: true, percent: 50 });
  });

  it('leaves out inactive_file on cgroup v2', () => {
    const memory = containerMemory({ memory_stats: { usage: 200 * MiB, limit: 400 * MiB, stats: { inactive_file: 100 * MiB } } }, 24 * GiB);
    expect(memory?.usedBytes).toBe(100 * MiB);
    expect(memory?.percent).toBe(25);
  });

  it('uses the raw usage when the cache figure is not below it', () => {
    const memory = containerMemory({ memory_stats: { usage: 10 * MiB, limit: 400 * MiB, stats: { total_inactive_file: 20 * MiB } } });
    expect(memory?.usedBytes).toBe(10 * MiB);
  });

  it('takes a limit equal to the host memory as no limit', () => {
    const memory = containerMemory({ memory_stats: { usage: 1 * GiB, limit: 24 * GiB, stats: {} } }, 24 * GiB);
    expect(memory?.limited).toBe(false);
    expect(memory?.percent).toBeCloseTo(100 / 24, 6);
  });

  it('has no figure for a container without memory stats (stopped, or Windows)', () => {
    expect(containerMemory({ memory_stats: {} }, 24 * GiB)).toBeUndefined();
    expect(containerMemory({}, 24 * GiB)).toBeUndefined();
  });
});

describe('engineLocation', () => {
  it('takes a unix socket or named pipe as local', () => {
    expect(engineLocation({ socketPath: '/var/run/docker.sock' })).toEqual({ local: true });
    expect(engineLocation({ socketPath: '//./pipe/docker_engine' })).toEqual({ local: true });
  });

  it('names a TCP or SSH engine as remote, without the user', () => {
    expect(engineLocation({ host: 'docker.example.org', port: '2376', protocol: 'https' })).toEqual({
      local: false,
      engine: 'https://docker.example.org:2376',
    });
    const ssh = engineLocation({ host: 'ops.example.org', protocol: 'ssh', socketPath: undefined });
    expect(ssh).toEqual({ local: false, engine: 'ssh://ops.example.org' });
  });
});

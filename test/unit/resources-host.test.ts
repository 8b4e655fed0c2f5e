import { describe, expect, it } from 'vitest';
import { cpuLoadFrom, diskUsage, memoryUse, parseMeminfo } from '../../src/integrations/host/resources.ts';

describe('parseMeminfo', () => {
  it('reads MemAvailable, not MemFree', () => {
    const text = [
      'MemTotal:       24684092 kB',
      'MemFree:         1000000 kB',
      'MemAvailable:   20000000 kB',
      'Buffers:          300000 kB',
      'Cached:          5000000 kB',
      'Active(file):    1234567 kB',
      'HugePages_Total:       0',
    ].join('\n');
    expect(parseMeminfo(text)).toEqual({ totalBytes: 24684092 * 1024, availableBytes: 20000000 * 1024 });
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    const text = 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n';
    expect(parseMeminfo(text).availableBytes).toBe(400 * 1024);
  });

  it('refuses text without MemTotal', () => {
    expect(() => parseMeminfo('nothing here')).toThrow(/MemTotal/);
  });
});

describe('memoryUse', () => {
  it('counts what is not available as used', () => {
    expect(memoryUse(1000, 250).usedPercent).toBe(75);
  });
});

describe('cpuLoadFrom', () => {
  it('relates the 5-minute load to the cores', () => {
    const load = cpuLoadFrom([3.9, 1.5, 0.2], 2);
    expect(load.percent).toBe(75);
    expect(load.cores).toBe(2);
  });

  it('goes above 100 % when work queues', () => {
    expect(cpuLoadFrom([8, 8, 8], 4).percent).toBe(200);
  });
});

describe('diskUsage', () => {
  // statfs of an ext4 root with a large root reservation; df -k showed
  // "264212084 23621960 82768952 23%" for these counts.
  const ext4 = { bsize: 4096, frsize: 4096, blocks: 66053021, bfree: 60147531, bavail: 20692238 };

  it('computes as df does: used against used + available to non-root', () => {
    const usage = diskUsage(ext4);
    expect(usage.totalBytes / 1024).toBe(264212084);
    expect(usage.usedBytes / 1024).toBe(23621960);
    expect(usage.availableBytes / 1024).toBe(82768952);
    expect(Math.ceil(usage.usedPercent)).toBe(23);
  });

  it('counts blocks in fragment size when it differs from the block size', () => {
    const usage = diskUsage({ bsize: 1_048_576, frsize: 4096, blocks: 1000, bfree: 500, bavail: 500 });
    expect(usage.totalBytes).toBe(1000 * 4096);
  });

  it('falls back to the block size without a fragment size', () => {
    expect(diskUsage({ bsize: 512, blocks: 10, bfree: 5, bavail: 5 }).totalBytes).toBe(5120);
  });

  it('reads a full disk as 100 % even with root reserve left', () => {
    const usage = diskUsage({ bsize: 4096, frsize: 4096, blocks: 1000, bfree: 50, bavail: 0 });
    expect(usage.usedPercent).toBe(100);
  });
});

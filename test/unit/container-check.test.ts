import { describe, expect, it } from 'vitest';
import { formatAge, interpretContainer } from '../../src/checks/container.ts';
import type { CheckDetail } from '../../src/domain/check-result.ts';
import type { ContainerState } from '../../src/integrations/docker/containers.ts';

const NOW = new Date('2024-05-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

function state(extra: Partial<ContainerState>): ContainerState {
  return {
    id: 'abc123',
    name: 'connector',
    image: 'ghcr.io/nmshd/connector:7.4.6',
    status: 'running',
    running: true,
    restarting: false,
    oomKilled: false,
    exitCode: 0,
    restartCount: 0,
    startedAt: minutesAgo(3 * 60 + 2),
    ...extra,
  };
}

const detail = (details: CheckDetail[], label: string) => details.find((d) => d.label === label);

describe('interpretContainer', () => {
  it('running and healthy: ok, with uptime and health check', () => {
    const result = interpretContainer(state({ health: 'healthy' }), NOW);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Running for 3 h 2 min, health check healthy');
    expect(result.details).toEqual([
      { label: 'state', value: 'running', status: 'ok' },
      { label: 'uptime', value: '3 h 2 min' },
      { label: 'restarts', value: '0', status: 'ok' },
      { label: 'Health check', value: 'healthy', status: 'ok' },
    ]);
  });

  it('running without a HEALTHCHECK: ok, and says there is none', () => {
    const result = interpretContainer(state({}), NOW);
    expect(result.status).toBe('ok');
    expect(result.summary).toBe('Running for 3 h 2 min');
    expect(detail(result.details, 'Health check')).toEqual({ label: 'Health check', value: 'no HEALTHCHECK configured' });
  });

  it('restarting: critical, with the restart count and the last exit code', () => {
    const result = interpretContainer(state({ status: 'restarting', restarting: true, exitCode: 1, restartCount: 7, startedAt: undefined }), NOW);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Restarting (restarted 7×, last exit code 1)');
    expect(detail(result.details, 'exit code')).toEqual({ label: 'exit code', value: '1', status: 'critical' });
    expect(detail(result.details, 'restarts')?.status).toBe('critical');
  });

  it('exited: critical, with the exit code and since when', () => {
    const result = interpretContainer(
      state({ status: 'exited', running: false, exitCode: 1, startedAt: minutesAgo(120), finishedAt: minutesAgo(90) }),
      NOW,
    );
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Not running: exited, exit code 1');
    expect(detail(result.details, 'stopped')).toEqual({ label: 'stopped', value: '1 h 30 min ago' });
    expect(detail(result.details, 'exit code')?.status).toBe('critical');
    expect(detail(result.details, 'uptime')).toBeUndefined();
  });

  it('exited cleanly (exit code 0, e.g. docker stop): still critical, the exit code itself only warn', () => {
    const result = interpretContainer(state({ status: 'exited', running: false, exitCode: 0, finishedAt: minutesAgo(5) }), NOW);
    expect(result.status).toBe('critical');
    expect(detail(result.details, 'exit code')).toEqual({ label: 'exit code', value: '0', status: 'warn' });
  });

  it('OOM killed: critical, and says it ran out of memory', () => {
    const result = interpretContainer(state({ status: 'exited', running: false, exitCode: 137, oomKilled: true, finishedAt: minutesAgo(1) }), NOW);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Not running: exited, exit code 137, killed for lack of memory');
    expect(detail(result.details, 'OOM killed')).toEqual({ label: 'OOM killed', value: 'yes: the container ran out of memory', status: 'critical' });
  });

  it('crash loop: restarted and up for only minutes is critical', () => {
    const result = interpretContainer(state({ restartCount: 4, startedAt: minutesAgo(2) }), NOW);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Running for 2 min, 4 restarts');
    expect(detail(result.details, 'restarts')).toEqual({ label: 'restarts', value: '4', status: 'critical' });
  });

  it('restarted long ago and stable since: warn only', () => {
    const result = interpretContainer(state({ restartCount: 1, startedAt: minutesAgo(3 * 24 * 60) }), NOW);
    expect(result.status).toBe('warn');
    expect(result.summary).toBe('Running for 3 d 0 h, 1 restart');
  });

  it('health check unhealthy: critical, with the last health-check output', () => {
    const result = interpretContainer(state({ health: 'unhealthy', lastHealthOutput: 'curl: (22) The requested URL returned error: 500' }), NOW);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Running for 3 h 2 min, health check unhealthy');
    expect(detail(result.details, 'Health check')).toEqual({
      label: 'Health check',
      value: 'unhealthy: curl: (22) The requested URL returned error: 500',
      status: 'critical',
    });
  });

  it('health check starting: warn', () => {
    const result = interpretContainer(state({ health: 'starting', startedAt: minutesAgo(0.5) }), NOW);
    expect(result.status).toBe('warn');
    expect(detail(result.details, 'uptime')).toEqual({ label: 'uptime', value: '30 s' });
  });

  it('paused: critical, although the engine reports it running', () => {
    const result = interpretContainer(state({ status: 'paused', health: 'healthy' }), NOW);
    expect(result.status).toBe('critical');
    expect(result.summary).toBe('Paused (docker pause or podman pause): frozen, answering nothing');
    expect(detail(result.details, 'state')).toEqual({ label: 'state', value: 'paused', status: 'critical' });
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [59_000, '59 s'],
    [60_000, '1 min'],
    [59 * 60_000, '59 min'],
    [47 * 3_600_000 + 5 * 60_000, '47 h 5 min'],
    [50 * 3_600_000, '2 d 2 h'],
    [-5_000, '0 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

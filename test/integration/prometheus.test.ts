import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_BIN, BotProcess } from '../support/bot-process.ts';
import { describeWith, requireDocker, requirePromtool, requireStandinImage } from '../support/requirements.ts';
import { startStandinConnector, type StandinConnector } from '../support/standin.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function promtool(args: string[], input?: string) {
  const run = spawnSync('promtool', args, { cwd: ROOT, input, encoding: 'utf8', timeout: 30_000 });
  return { code: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

describeWith([requirePromtool], 'the example Prometheus rules', () => {
  it('pass promtool check rules, and fire as their unit tests expect ("connector X is critical" among them)', () => {
    expect(promtool(['check', 'rules', 'examples/prometheus-rules.yml'])).toMatchObject({ code: 0 });
    expect(promtool(['test', 'rules', 'test/prometheus/rules-test.yml'])).toMatchObject({ code: 0 });
  });
});

describeWith([requireDocker, requireStandinImage, requirePromtool], "the bot's /metrics tells its connectors, refreshed in the background", () => {
  let dir: string;
  let standin: StandinConnector;
  let bot: BotProcess;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cops-prometheus-'));
    standin = await startStandinConnector({ name: 'prometheus' });
    const env = {
      PATH: process.env.PATH ?? '',
      DOCKER_HOST: process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock',
      DATA_DIR: join(dir, 'data'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_FORMAT: 'json',
      CONNECTOR_NAME: 'prom-main',
      CONNECTOR_URL: standin.url,
      CONNECTOR_API_KEY: standin.apiKey,
      CONNECTOR_CONTAINER: standin.name,
      BACKGROUND_RUN_SECONDS: '2',
      // Only the background run refreshes health here: the alert probes' rounds are an hour apart.
      ALERT_PROBE_SECONDS: '3600',
      ALERT_FOLLOW_LOGS: 'false',
    };
    bot = new BotProcess(spawn(process.execPath, [BOT_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    url = await bot.url(60_000);
  }, 120_000);

  afterAll(async () => {
    await bot?.stop();
    await standin?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const scrape = async () => (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const sample = (text: string, series: string) => new RegExp(`^${series.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1];

  it('has each check of the connector as a status gauge with its key readings, and the names pass promtool check metrics without a note', async () => {
    await expect.poll(async () => sample(await scrape(), 'connector_ops_check_status{connector="prom-main",check="health"}'), { timeout: 60_000, interval: 500 }).toBe('0');
    // The error-logs check reads the container's log: the slowest of the run.
    for (const check of ['resources', 'error-logs']) {
      await expect.poll(async () => sample(await scrape(), `connector_ops_check_status{connector="prom-main",check="${check}"}`), { timeout: 90_000, interval: 500 }).toBeDefined();
    }
    const text = await scrape();
    expect(text).toMatch(/^connector_ops_disk_used_ratio\{connector="prom-main",path="[^"]+"\} [\d.e-]+$/m);
    expect(text).toMatch(/^connector_ops_error_log_events\{connector="prom-main"\} \d+$/m);
    expect(text).toMatch(/^connector_ops_check_last_run_timestamp_seconds\{connector="prom-main",check="health"\} \d/m);
    expect(text).toMatch(/^connector_ops_connector_status\{connector="prom-main"\} [0-3]$/m);
    expect(promtool(['check', 'metrics'], text)).toEqual({ code: 0, output: '' });
  });

  it('tells a Connector gone unhealthy as critical at the next background run, nobody asking', async () => {
    await standin.setHealth('unhealthy:database');
    await expect.poll(async () => sample(await scrape(), 'connector_ops_check_status{connector="prom-main",check="health"}'), { timeout: 60_000, interval: 500 }).toBe('2');
    expect(sample(await scrape(), 'connector_ops_connector_status{connector="prom-main"}')).toBe('2');
  });
});

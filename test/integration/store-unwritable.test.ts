import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_BIN, BotProcess, LOG_LEVEL } from '../support/bot-process.ts';
import { fillUp, onTmpfsOf, requireMountNamespaces, spawnOnTmpfs } from '../support/mount-namespace.ts';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { post, signedRequest, SlackStandin } from '../support/slack/index.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const SECRET = 'slack-signing-secret-for-store-tests';
const CHANNEL = 'C0OPS00001';
const ALICE = 'U0ALICE001';

const textOf = (value: unknown) => JSON.stringify(value);

/**
 * The bot (`connector-ops start`, Slack over HTTP against the loopback Slack, a stand-in Connector on the real engine)
 * with its DATA_DIR on a small disk of its own that fills up: every command is still answered, what needs the store
 * is refused with the cause, /readyz says why it is not ready, the log says it once, and all of it mends when space
 * comes back.
 */
describeWith([requireDocker, requireStandinImage, requireMountNamespaces], 'the store cannot be written: a full disk', () => {
  let standin: SlackStandin;
  let connector: StandinConnector;
  let bot: BotProcess;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    standin = await SlackStandin.start();
    connector = await startStandinConnector({ name: 'store-full' });
    dataDir = mkdtempSync(join(tmpdir(), 'cops-store-full-'));
    const env = {
      PATH: process.env.PATH ?? '',
      DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_FORMAT: 'json',
      // The log follower says at debug level when it cannot renew its lease.
      LOG_LEVEL: 'debug',
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: standin.apiUrl,
      CONNECTOR_NAME: 'ops',
      CONNECTOR_CONTAINER: connector.name,
      CONNECTOR_URL: connector.url,
      CONNECTOR_API_KEY: connector.apiKey,
      CONNECTOR_OPS_OPERATORS: `slack:${ALICE}`,
    };
    bot = new BotProcess(spawnOnTmpfs(dataDir, 4096, [process.execPath, BOT_BIN, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    url = await bot.url();
    await waitForReadiness(200);
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
    await removeAllStandins();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function command(text: string): Promise<void> {
    const signed = signedRequest(SECRET, standin.slashCommand({ text, user: ALICE, channel: CHANNEL }));
    expect((await post(`${url}/slack/events`, signed.body, signed.headers)).status).toBe(200);
  }

  async function waitForReadiness(status: number, timeoutMs = 30_000): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await fetch(`${url}/readyz`);
      const body: unknown = await answer.json();
      if (answer.status === status) return body;
      if (Date.now() > deadline) throw new Error(`/readyz answered ${answer.status} ${textOf(body)} for ${timeoutMs} ms; the bot said:\n${bot.said()}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  it('answers every command, refuses what needs the store with the cause, is not ready, and mends when space comes back', async () => {
    const store = join(dataDir, 'connector-ops.sqlite');
    const filler = onTmpfsOf(bot.pid, join(dataDir, 'filler'));
    fillUp(filler);

    // A command that only looks is answered, with a note of what is wrong.
    await command('health ops');
    const report = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('Health · ops')), 20_000);
    expect(textOf(report)).toMatch(/Healthy/);
    const note = await standin.waitFor(() => standin.responses.find((r) => textOf(r.body).includes('Note: the store')), 10_000);
    expect(note.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(note.body)).toContain(`the store ${store} cannot be written by user root (uid 0): the disk is full (SQLITE_FULL)`);

    // An operation is refused, privately, saying why and what to do.
    await command('restart ops --reason "full disk"');
    const refusal = await standin.waitFor(() => standin.responses.find((r) => textOf(r.body).includes('Cannot record this request')), 10_000);
    expect(refusal.body).toMatchObject({ response_type: 'ephemeral' });
    expect(textOf(refusal.body)).toContain(`Cannot record this request: the store ${store} cannot be written by user root (uid 0): the disk is full (SQLITE_FULL). Free space on the file system of ${dataDir}`);
    expect(standin.messagesIn(CHANNEL).filter((m) => textOf(m).includes('restart'))).toEqual([]);

    const notReady = await waitForReadiness(503);
    expect(notReady).toMatchObject({ status: 'not ready', waitingFor: [expect.stringContaining(`store (the store ${store} cannot be written by user root (uid 0): the disk is full`)] });
    const broken = bot.logged((l) => l.msg.startsWith(`the store ${store} cannot be written`));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ level: LOG_LEVEL.error, store, code: 'SQLITE_FULL', fix: expect.stringContaining('Free space') });
    expect(bot.logged((l) => l.msg === 'Slack listener failed')).toEqual([]);

    // Background writers meet the full disk too (the log follower's lease, every 10 s): the bot keeps running.
    await bot.waitForLog((l) => l.msg === 'log follower: the store cannot be written; the lease waits', 30_000);

    // Space again: ready within the probe's interval, said once, and the operation is taken.
    unlinkSync(filler);
    expect(await waitForReadiness(200)).toMatchObject({ status: 'ready' });
    expect(bot.logged((l) => l.msg === 'the store can be written again')).toHaveLength(1);
    await command('restart ops --reason "space again"');
    const request = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('space again')), 15_000);
    expect(textOf(request)).toMatch(/requested/i);
  }, 120_000);
});

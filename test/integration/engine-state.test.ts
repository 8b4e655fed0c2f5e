import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BOT_BIN, BotProcess, LOG_LEVEL } from '../support/bot-process.ts';
import { describeWith, requireDocker } from '../support/requirements.ts';
import { post, signedRequest, SlackStandin } from '../support/slack/index.ts';

const SECRET = 'slack-signing-secret-for-engine-tests';
/** Neither the bot's user nor its group: the socket's owner and, at first, its group. */
const STRANGER = 4242;

interface EngineBody {
  state: string;
  since: string;
  checkedAt?: string;
  problem?: string;
  fix?: string;
}

/**
 * The engine's socket as the image meets it: owned by another user and group, mode 660. The bot runs as root
 * without CAP_DAC_OVERRIDE (setpriv), so that the file's permissions bind it as they bind the image's `node` user,
 * and its every call gets EACCES from the socket in front of the real engine.
 */
describeWith([requireDocker], 'a Docker engine that refuses the bot access (EACCES on its socket)', () => {
  let dir: string;
  let socket: string;
  let relay: net.Server;
  let standin: SlackStandin;
  let bot: BotProcess;
  let url: string;
  let env: Record<string, string>;
  const withoutOverride = ['--bounding-set', '-dac_override,-dac_read_search', process.execPath, BOT_BIN];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cops-engine-eacces-'));
    socket = join(dir, 'docker.sock');
    const engine = new URL(process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').pathname;
    relay = net.createServer((client) => {
      const upstream = net.connect(engine);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((done) => relay.listen(socket, done));
    chownSync(socket, STRANGER, STRANGER);
    chmodSync(socket, 0o660);
    standin = await SlackStandin.start();
    env = {
      PATH: process.env.PATH ?? '',
      DATA_DIR: join(dir, 'data'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_FORMAT: 'json',
      DOCKER_HOST: `unix://${socket}`,
      SLACK_BOT_TOKEN: standin.botToken,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: standin.apiUrl,
    };
    bot = new BotProcess(spawn('setpriv', [...withoutOverride, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
    url = await bot.url();
  }, 60_000);

  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
    relay?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function engineWhen(accept: (engine: EngineBody) => boolean, timeoutMs = 40_000): Promise<{ body: { status: string; engines: Record<string, EngineBody> } }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await fetch(`${url}/readyz`);
      const body = (await answer.json()) as { status: string; engines: Record<string, EngineBody> };
      // Ready once Slack is connected (just after start), whatever the engine's state.
      if (answer.status === 200 && body.engines?.default && accept(body.engines.default)) return { body };
      if (Date.now() > deadline) throw new Error(`/readyz said ${JSON.stringify(body)} for ${timeoutMs} ms; the bot said:\n${bot.said()}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }

  const engineUp = async () => /connector_ops_engine_up\{engine="default"\} (\d)/.exec(await (await fetch(`${url}/metrics`)).text())?.[1];

  it('says in the failing check which group the container must be given', async () => {
    const run = spawnSync('setpriv', [...withoutOverride, 'check', '--json', '--only', 'container'], {
      env: { ...env, CONNECTOR_NAME: 'main', CONNECTOR_CONTAINER: 'cops-never-reached', CONNECTOR_URL: 'http://127.0.0.1:1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(run.stdout) as { connectors: Array<{ checks: Array<{ id: string; status: string; summary: string }> }> };
    expect(report.connectors[0]!.checks[0]).toMatchObject({
      id: 'container',
      status: 'unknown',
      summary: expect.stringContaining(`may not use the socket ${socket} (owner uid ${STRANGER}, group gid ${STRANGER}, mode 660): the socket is owned by group ${STRANGER}; run with --group-add ${STRANGER}`),
    });
    expect(run.status).toBe(3);
  }, 60_000);

  it('stays ready and answering, names the engine state with the fix (the socket group), logs it once, and sees it come back', async () => {
    // engineWhen reads only a ready /readyz: an engine that is down must not make the bot unready.
    const down = await engineWhen((engine) => engine.state === 'down');
    expect(down.body.engines.default).toMatchObject({
      problem: `user root (uid 0) may not use the socket ${socket} (owner uid ${STRANGER}, group gid ${STRANGER}, mode 660)`,
      fix: expect.stringContaining(`Add user root (uid 0) to the socket's group gid ${STRANGER}: in a container, the socket is owned by group ${STRANGER}; run with --group-add ${STRANGER}`),
    });
    expect(down.body.engines.default!.fix).toMatch(/Better: reach the engine through the socket proxy \(examples\/compose\.yml\)\.$/);
    expect(await engineUp()).toBe('0');

    // It still answers in chat.
    const help = signedRequest(SECRET, standin.slashCommand({ text: 'help' }));
    expect((await post(`${url}/slack/events`, help.body, help.headers)).status).toBe(200);
    await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('operate enmeshed Connectors')), 10_000);

    // A later probe failed the same way: still one error line.
    await engineWhen((engine) => engine.state === 'down' && engine.checkedAt !== engine.since);
    const said = bot.logged((l) => l.msg.startsWith('Container engine default cannot be reached'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ level: LOG_LEVEL.error, engine: 'default', fix: down.body.engines.default!.fix });

    // The bot's user joins the socket's group (root's group 0 here).
    chownSync(socket, STRANGER, 0);
    const up = await engineWhen((engine) => engine.state === 'up');
    expect(up.body.engines.default).not.toHaveProperty('problem');
    expect(await engineUp()).toBe('1');
    expect(bot.logged((l) => l.msg === 'Container engine default answers again')).toHaveLength(1);
  }, 120_000);
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { BotServer } from '../../src/http/server.ts';
import { createServices } from '../../src/root.ts';
import { capturingLogger, distinctErrorLines, silentLogger, testDockerClient } from '../support/builders.ts';
import { SLACK_TEST_SECRET, startSlackBot, type SlackBot } from '../support/slack-bot.ts';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { buttonFor, post, signature, signedRequest, SlackStandin, type PostedMessage } from '../support/slack/index.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const SECRET = SLACK_TEST_SECRET;
const CHANNEL = 'C0OPS00001';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const CAROL = 'U0CAROL001';

const textOf = (message: { text?: string | undefined; blocks?: unknown }) => `${message.text ?? ''} ${JSON.stringify(message.blocks ?? [])}`;
/** The id of a command's response URL, as the stand-in records its answers. */
const responseId = (command: { response_url: string }) => new URL(command.response_url).pathname.split('/').pop();

/**
 * A barrier for what an earlier command set off in the channel: `health ops`, sent after it, is answered in the
 * channel, and the bot posts to a channel one after another in the order the posts were made; a command handled
 * earlier has made its posts before this one's report is ready (it reads a Connector first).
 */
async function channelBarrier(standin: SlackStandin, send: (command: ReturnType<SlackStandin['slashCommand']>) => Promise<unknown>): Promise<void> {
  const reports = () => standin.messagesIn(CHANNEL).filter((m) => textOf(m).includes('Health · ops')).length;
  const before = reports();
  await send(standin.slashCommand({ text: 'health ops' }));
  await standin.waitFor(() => reports() > before, 15_000);
}

describe('Slack over HTTP: /slack/events on the bot\'s own server, with the real Bolt receiver', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  beforeAll(async () => {
    standin = await SlackStandin.start();
    bot = await startSlackBot(standin, 'http');
  });
  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
  });

  it('a signed /connector help is acknowledged at once and answered privately; a report goes to the channel', async () => {
    const help = signedRequest(SECRET, standin.slashCommand({ text: 'help' }));
    const answer = await post(`${bot.url}/slack/events`, help.body, help.headers);
    expect(answer.status).toBe(200);
    const response = await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('operate enmeshed Connectors')));
    expect(response.body).toMatchObject({ response_type: 'ephemeral' });

    const health = signedRequest(SECRET, standin.slashCommand({ text: 'health ops' }));
    expect((await post(`${bot.url}/slack/events`, health.body, health.headers)).status).toBe(200);
    const report = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('Health · ops')), 15_000);
    expect(textOf(report)).toMatch(/Unreachable/);
    // An unhealthy answer offers a restart, as a button whose value is the typed command.
    expect(textOf(report)).toContain('/connector restart ops');
  });

  it.each([
    ['a tampered body', (body: string, headers: Record<string, string>) => ({ body: body.replace('help', 'stop'), headers })],
    ['a wrong secret', (body: string, headers: Record<string, string>) => ({ body, headers: { ...headers, 'x-slack-signature': signature('not-the-secret', headers['x-slack-request-timestamp']!, body) } })],
    [
      'a timestamp older than 5 minutes',
      (body: string, headers: Record<string, string>) => {
        const ts = String(Math.floor(Date.now() / 1000) - 6 * 60);
        return { body, headers: { ...headers, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature(SECRET, ts, body) } };
      },
    ],
    [
      'a timestamp more than 5 minutes ahead (Bolt would accept it)',
      (body: string, headers: Record<string, string>) => {
        const ts = String(Math.floor(Date.now() / 1000) + 6 * 60);
        return { body, headers: { ...headers, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature(SECRET, ts, body) } };
      },
    ],
    ['missing headers', (body: string) => ({ body, headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ])('%s → 401, and nothing runs', async (_name, tamper) => {
    const before = standin.calls.length;
    const signed = signedRequest(SECRET, standin.slashCommand({ text: 'help' }));
    const { body, headers } = tamper(signed.body, signed.headers);
    const answer = await post(`${bot.url}/slack/events`, body, headers);
    expect(answer.status).toBe(401);
    // A later command signed right: once it is answered, anything the refused one had set off would have come too.
    const later = standin.slashCommand({ text: 'help' });
    const laterSigned = signedRequest(SECRET, later);
    expect((await post(`${bot.url}/slack/events`, laterSigned.body, laterSigned.headers)).status).toBe(200);
    await standin.waitFor(() => standin.responses.find((r) => r.id === responseId(later)));
    expect(standin.calls.slice(before).filter((call) => call.params.id !== responseId(later))).toEqual([]);
  });

  it('a byte-identical replay is acknowledged and runs once', async () => {
    const signed = signedRequest(SECRET, standin.slashCommand({ text: 'connectors' }));
    for (let i = 0; i < 3; i++) expect((await post(`${bot.url}/slack/events`, signed.body, signed.headers)).status).toBe(200);
    await channelBarrier(standin, async (command) => {
      const later = signedRequest(SECRET, command);
      expect((await post(`${bot.url}/slack/events`, later.body, later.headers)).status).toBe(200);
    });
    expect(standin.messagesIn(CHANNEL).filter((m) => textOf(m).includes('Connectors'))).toHaveLength(1);
  });

  it('a report far over the block limits (50 connectors, every detail) is delivered without an error, the rest as a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cops-slack-many-'));
    const connectors = Array.from({ length: 50 }, (_, i) => `  - name: c${String(i).padStart(2, '0')}\n    url: http://127.0.0.1:1\n    logFiles: [${join(dir, 'none.log')}]`).join('\n');
    writeFileSync(join(dir, 'connector-ops.yml'), `connectors:\n${connectors}\n`);
    const many = await startSlackBot(standin, 'http', { CONNECTOR_OPS_CONFIG: join(dir, 'connector-ops.yml'), CONNECTOR_NAME: '', CONNECTOR_URL: '' });
    try {
      const failedBefore = standin.calls.filter((c) => c.error).length;
      const status = signedRequest(SECRET, standin.slashCommand({ text: 'status --details' }));
      expect((await post(`${many.url}/slack/events`, status.body, status.headers)).status).toBe(200);
      const report = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('c49') && textOf(m).includes('Status')), 60_000);
      expect(report.blocks!.length).toBeLessThanOrEqual(50);
      const upload = await standin.waitFor(() => standin.uploads.find((u) => u.completed && (u.content?.toString() ?? '').includes('c49')), 10_000);
      expect(upload.channelId).toBe(CHANNEL);
      expect(standin.calls.filter((c) => c.error).length).toBe(failedBefore);
    } finally {
      await many.stop();
    }
  }, 90_000);

  it('logs --details with 300 error groups lists every group: the summary stays short, the groups go along as a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cops-slack-groups-'));
    const logFile = join(dir, 'connector.log');
    const { text, labels } = distinctErrorLines(300);
    writeFileSync(logFile, text);
    const groups = await startSlackBot(standin, 'http', { CONNECTOR_LOG_FILES: logFile });
    try {
      const failedBefore = standin.calls.filter((c) => c.error).length;
      const logs = signedRequest(SECRET, standin.slashCommand({ text: 'logs --details' }));
      expect((await post(`${groups.url}/slack/events`, logs.body, logs.headers)).status).toBe(200);
      const report = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('300 errors in 24 h (300 groups)')), 30_000);
      expect(report.blocks!.length).toBeLessThanOrEqual(50);
      expect(textOf(report)).not.toContain('more groups');
      const upload = await standin.waitFor(() => standin.uploads.find((u) => u.completed && (u.content?.toString() ?? '').includes('300 errors in 24 h')), 10_000);
      const content = upload.content!.toString();
      expect(labels.filter((label) => !content.includes(label))).toEqual([]);
      expect(standin.calls.filter((c) => c.error).length).toBe(failedBefore);
    } finally {
      await groups.stop();
    }
  }, 60_000);
});

describe('Slack down when the bot starts', () => {
  it('the bot serves, /readyz names the cause, and the adapter connects once Slack answers', async () => {
    const standin = await SlackStandin.start();
    standin.fault('auth.test', { status: 503 }, { status: 503 });
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-slack-down-'));
    const services = createServices(
      loadConfig({ DATA_DIR: dataDir, SLACK_BOT_TOKEN: standin.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: standin.apiUrl }),
      silentLogger(),
    );
    const server = new BotServer({ host: '127.0.0.1', port: 0, routes: services.routes, logger: silentLogger() });
    const url = `http://127.0.0.1:${await server.listen()}`;
    const adapter = services.chatAdapters[0]!;
    try {
      await adapter.start();
      await standin.waitFor(() => standin.callsOf('auth.test').length >= 1 || undefined);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ waitingFor: [expect.stringMatching(/^slack \(auth\.test: /)] });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const early = signedRequest(SECRET, standin.slashCommand({ text: 'help' }));
      expect((await post(`${url}/slack/events`, early.body, early.headers)).status).toBe(503);
      // The retries go on by themselves: 2 s, then 4 s.
      const deadline = Date.now() + 15_000;
      while ((await fetch(`${url}/readyz`)).status !== 200) {
        if (Date.now() > deadline) throw new Error('the Slack adapter did not connect after Slack came back');
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const later = signedRequest(SECRET, standin.slashCommand({ text: 'help' }));
      expect((await post(`${url}/slack/events`, later.body, later.headers)).status).toBe(200);
    } finally {
      await adapter.stop();
      await server.close();
      services.close();
      await standin.stop();
    }
  }, 30_000);
});

describe('Slack in Socket Mode, with the real Bolt Socket Mode receiver', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  beforeAll(async () => {
    standin = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    bot = await startSlackBot(standin, 'socket');
  });
  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
  });

  it('acknowledges a slash command envelope at once and answers it', async () => {
    const ack = await standin.socket.send({ payload: standin.slashCommand({ text: 'help' }) });
    expect(ack.envelope_id).toBeDefined();
    await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('operate enmeshed Connectors')));
  });

  it("with SLACK_SIGNING_SECRET set as well (Slack's quick start exports both) it runs in Socket Mode and says once that the secret is unused", async () => {
    const { logger, records } = capturingLogger();
    const own = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    const both = await startSlackBot(own, 'socket', { SLACK_SIGNING_SECRET: SECRET }, logger);
    try {
      const ack = await own.socket.send({ payload: own.slashCommand({ text: 'connectors' }) });
      expect(ack.envelope_id).toBeDefined();
      const unused = records.filter((r) => String(r.msg).includes('SLACK_SIGNING_SECRET'));
      expect(unused).toEqual([expect.objectContaining({ level: 30, msg: expect.stringMatching(/not used: SLACK_APP_TOKEN selects Socket Mode/) })]);
    } finally {
      await both.stop();
      await own.stop();
    }
  });

  it('after a disconnect the next command still works; a redelivered envelope runs once', async () => {
    await standin.socket.disconnect('refresh_requested');
    await standin.socket.waitForConnections(2, 15_000);
    const payload = standin.slashCommand({ text: 'connectors' });
    await standin.socket.send({ payload });
    await standin.socket.send({ payload, retry_attempt: 1, retry_reason: 'timeout' });
    await channelBarrier(standin, (command) => standin.socket.send({ payload: command }));
    expect(standin.messagesIn(CHANNEL).filter((m) => textOf(m).includes('Connectors'))).toHaveLength(1);
  });

  /** Presses the button of a published App Home view whose value is `command`: a click in a view carries the view, and neither a channel nor a response URL. */
  async function pressHomeButton(home: { user: string; view: Record<string, unknown> }, command: string): Promise<void> {
    const blocks = (home.view as { blocks: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> }).blocks;
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.value === command)!;
    const name = standin.workspace.users.find((u) => u.id === home.user)!.name;
    const press = {
      type: 'block_actions',
      user: { id: home.user, username: name, name, team_id: standin.workspace.team.id },
      api_app_id: standin.workspace.appId,
      token: standin.workspace.verificationToken,
      container: { type: 'view', view_id: 'V0HOME0001' },
      trigger_id: `${Date.now()}.1.home`,
      team: { id: standin.workspace.team.id, domain: standin.workspace.team.domain },
      is_enterprise_install: false,
      view: { id: 'V0HOME0001', type: 'home', blocks },
      actions: [{ action_id: button.action_id, block_id: 'home', text: { type: 'plain_text', text: 'Requests' }, value: button.value, type: 'button', action_ts: `${Date.now() / 1000}` }],
    };
    await standin.socket.send({ payload: press as never, type: 'interactive' });
  }

  const noRequestsIn = (user: string) => standin.messagesIn(`D${user.slice(1)}`).find((m) => textOf(m).includes('No pending or running requests'));

  it('the App Home shows every connector\'s last known status and the pending requests, refreshed when opened; opened twice by one event, published once', async () => {
    await standin.socket.send({ payload: standin.slashCommand({ text: 'health ops' }) });
    await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('Health · ops')), 15_000);
    const opened = standin.appHomeOpened({ user: ALICE });
    await standin.socket.send({ payload: opened });
    await standin.socket.send({ payload: opened, retry_attempt: 1, retry_reason: 'timeout' });
    const home = await standin.waitFor(() => standin.views.find((v) => v.user === ALICE));
    expect(JSON.stringify(home.view)).toMatch(/ops.*critical \(health\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // A barrier: what the bot sends to one person (her Home, her direct messages) goes out one after another, in order.
    // Once the answer to a later press in her Home has come, a second publication of her Home would have come before it.
    await pressHomeButton(home, '/connector requests');
    await standin.waitFor(() => noRequestsIn(ALICE));
    expect(standin.views.filter((v) => v.user === ALICE)).toHaveLength(1);
  });

  it('a button of the App Home answers in the app\'s direct messages', async () => {
    await standin.socket.send({ payload: standin.appHomeOpened({ user: BOB }) });
    const home = await standin.waitFor(() => standin.views.find((v) => v.user === BOB));
    await pressHomeButton(home, '/connector requests');
    expect(await standin.waitFor(() => noRequestsIn(BOB))).toBeDefined();
  });

  it('a dropped socket is reopened, and /readyz says so meanwhile', async () => {
    const readyz = async () => {
      const res = await fetch(`${bot.url}/readyz`);
      return { status: res.status, body: await res.text() };
    };
    expect((await readyz()).status).toBe(200);
    // Slack is slow to hand out the next socket: the gap is long enough to be seen from outside.
    standin.fault('apps.connections.open', { delayMs: 3_000 });
    const opened = standin.socket.connections;
    standin.socket.drop();
    const meanwhile = await standin.waitFor(async () => {
      const answer = await readyz();
      return answer.status === 503 ? answer : undefined;
    }, 10_000);
    expect(meanwhile.body).toContain('slack');
    await standin.socket.waitForConnections(opened + 1, 20_000);
    await standin.waitFor(async () => ((await readyz()).status === 200 ? true : undefined), 20_000);
    const command = standin.slashCommand({ text: 'help' });
    await standin.socket.send({ payload: command });
    const answer = await standin.waitFor(() => standin.responses.find((r) => r.id === responseId(command)));
    expect(textOf(answer.body)).toContain('/connector');
  });
});

describeWith([requireDocker, requireStandinImage], 'operations approved by clicks in Slack', () => {
  let standin: SlackStandin;
  let bot: SlackBot;
  let connector: StandinConnector;
  beforeAll(async () => {
    standin = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    standin.workspace.users.push({ id: CAROL, name: 'carol', displayName: 'Carol', realName: 'Carol Viewer' });
    connector = await startStandinConnector({ name: 'slack-op' });
    bot = await startSlackBot(standin, 'socket', {
      CONNECTOR_CONTAINER: connector.name,
      CONNECTOR_URL: connector.url,
      CONNECTOR_API_KEY: connector.apiKey,
      // Alice by her user group, Bob by his id.
      CONNECTOR_OPS_OPERATORS: 'slack:@connector-admins',
      CONNECTOR_OPS_APPROVERS: `slack:@connector-admins,slack:${BOB}`,
      STOP_GRACE_SECONDS: '2',
      HEALTHY_TIMEOUT_SECONDS: '20',
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await standin?.stop();
    await removeAllStandins();
  });
  afterEach(() => standin.clearFaults());

  it('refuses the requester and a viewer (both audited), runs the approver\'s click once, and updates the request in place', async () => {
    await standin.socket.send({ payload: standin.slashCommand({ text: 'restart ops --reason "stuck"', user: ALICE }) });
    const request = await standin
      .waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes('asks to restart ops')), 10_000)
      .catch((error: unknown) => {
        throw new Error(`no request posted; the bot answered: ${JSON.stringify(standin.responses.map((r) => r.body))}`, { cause: error });
      });
    const approve = buttonFor(request.blocks, '/connector approve ');

    await standin.socket.send({ payload: standin.blockActions({ message: request, actionId: approve, user: ALICE }) });
    await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('four eyes')));
    await standin.socket.send({ payload: standin.blockActions({ message: request, actionId: approve, user: CAROL }) });
    await standin.waitFor(() => standin.responses.find((r) => JSON.stringify(r.body).includes('needs the approver role')));

    const click = standin.blockActions({ message: request, actionId: approve, user: BOB });
    await standin.socket.send({ payload: click });
    await standin.socket.send({ payload: click, retry_attempt: 1, retry_reason: 'timeout' });
    const outcome = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => m.threadTs === request.ts && textOf(m).includes('Restart of ops')), 30_000);
    expect(textOf(outcome)).toMatch(/Restart of ops succeeded/);
    const updated = standin.findMessage(CHANNEL, request.ts)!;
    expect(updated.edits).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(updated.blocks)).not.toContain('"type":"actions"');
    expect(textOf(updated)).toContain('Approved by Bob');

    const events = bot.services.operations.auditEntries({}).map((e) => `${e.event}:${e.actor?.id ?? ''}`);
    expect(events).toEqual(expect.arrayContaining([`requested:${ALICE}`, `refused:${ALICE}`, `refused:${CAROL}`, `approved:${BOB}`]));
    expect(events.filter((e) => e.startsWith('started'))).toHaveLength(1);
  }, 60_000);

  /** Alice requests a restart; the request message as Slack holds it, and the request's id. */
  async function requestRestart(reason: string): Promise<{ request: PostedMessage; id: string }> {
    await standin.socket.send({ payload: standin.slashCommand({ text: `restart ops --reason "${reason}"`, user: ALICE }) });
    const request = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => textOf(m).includes(`asks to restart ops: ${reason}`)), 10_000);
    return { request, id: /Request ([a-z0-9]{6})/.exec(textOf(request))![1]! };
  }

  it('a request message deleted before the approval: the operation runs, its state is posted anew saying the original is gone, the outcome in that post\'s thread', async () => {
    const { request, id } = await requestRestart('message deleted');
    standin.findMessage(CHANNEL, request.ts)!.deleted = true;
    const startedBefore = (await testDockerClient().getContainer(connector.name).inspect()).State.StartedAt;

    await standin.socket.send({ payload: standin.slashCommand({ text: `approve ${id}`, user: BOB }) });
    const anew = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => m.ts !== request.ts && textOf(m).includes(`Request ${id}`) && textOf(m).includes('done:')), 30_000);
    expect(textOf(anew)).toMatch(/The message this updates is gone .*Approved by Bob; done: healthy again/);
    const outcome = await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => m.threadTs === anew.ts), 10_000);
    expect(textOf(outcome)).toMatch(/Restart of ops succeeded/);
    expect(bot.services.operations.get(id)?.state).toBe('succeeded');
    expect((await testDockerClient().getContainer(connector.name).inspect()).State.StartedAt).not.toBe(startedBefore);
    // Posted anew once: the progress and the end updated that post.
    expect(standin.messagesIn(CHANNEL).filter((m) => textOf(m).includes('The message this updates is gone'))).toHaveLength(1);
  }, 60_000);

  it('chat.update failing with 5xx until its retries run out: the operation runs all the same, and the message shows its end once Slack answers', async () => {
    const { request, id } = await requestRestart('slack flaky');
    // The poster's own five attempts for the first update, then Slack answers again.
    standin.fault('chat.update', ...Array.from({ length: 5 }, () => ({ status: 503 })));
    await standin.socket.send({ payload: standin.blockActions({ message: request, actionId: buttonFor(request.blocks, '/connector approve '), user: BOB }) });
    await standin.waitFor(() => bot.services.operations.get(id)?.state === 'succeeded', 30_000);
    const shown = await standin.waitFor(() => {
      const message = standin.findMessage(CHANNEL, request.ts)!;
      return textOf(message).includes('Approved by Bob; done') && message;
    }, 60_000);
    expect(JSON.stringify(shown.blocks)).not.toContain('"type":"actions"');
    expect(standin.callsOf('chat.update').filter((c) => c.status === 503)).toHaveLength(5);
    await standin.waitFor(() => standin.messagesIn(CHANNEL).find((m) => m.threadTs === request.ts && textOf(m).includes('Restart of ops succeeded')), 10_000);
    // Nothing made it look interrupted.
    await bot.services.operations.recover();
    expect(bot.services.operations.get(id)?.state).toBe('succeeded');
  }, 90_000);
});

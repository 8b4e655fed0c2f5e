import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { AuditLog } from '../../src/store/audit-log.ts';
import { OperationRequests } from '../../src/store/operation-requests.ts';
import { Store } from '../../src/store/store.ts';
import { testDockerClient } from '../support/builders.ts';
import { describeWith, requireDocker, requirePidNamespace, requireStandinImage } from '../support/requirements.ts';
import { buttonFor, SlackStandin, type PostedMessage } from '../support/slack/index.ts';
import { removeAllStandins, startStandinConnector } from '../support/standin.ts';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));
const CHANNEL = 'C0OPS00001';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';

/**
 * The real bot (`connector-ops start`, Slack in Socket Mode) as a container runs it: pid 1 of a pid namespace of
 * its own, under the host's name. kill -9 takes the whole namespace down, as `docker kill` or a crash does.
 */
class ContainedBot {
  output = '';
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<void>;

  constructor(env: Record<string, string>) {
    // --kill-child: the bot (pid 1 inside) gets SIGKILL when unshare does, and the namespace ends with it.
    this.child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', LOG_FORMAT: 'json', HTTP_PORT: '0', ...env },
    });
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
  }

  /** The pid and host name the bot's log lines carry (pino's own). */
  async identity(): Promise<{ pid: number; hostname: string }> {
    await until(() => /"msg":"connector-ops started"/.test(this.output), 30_000, () => `the bot did not start:\n${this.output}`);
    const line = this.output.split('\n').find((l) => l.includes('"msg":"connector-ops started"'))!;
    const { pid, hostname } = JSON.parse(line) as { pid: number; hostname: string };
    return { pid, hostname };
  }

  /** kill -9 of the namespace's pid 1 (through unshare's --kill-child); resolves once the bot's process is gone. */
  async kill9(): Promise<void> {
    const pid = this.child.pid!;
    const inner = Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
    this.child.kill('SIGKILL');
    await this.exited;
    await until(() => !alive(inner), 10_000, () => `the bot (pid ${inner} outside its namespace) outlived kill -9`);
  }
}

function alive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`within ${timeoutMs} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const textOf = (message: PostedMessage) => `${message.text ?? ''} ${JSON.stringify(message.blocks ?? [])}`;

describeWith([requireDocker, requireStandinImage, requirePidNamespace], 'a bot restarted as pid 1 under the same host name (docker restart)', () => {
  const bots: ContainedBot[] = [];
  let slack: SlackStandin | undefined;
  afterAll(async () => {
    for (const bot of bots) await bot.kill9().catch(() => undefined);
    await slack?.stop();
    await removeAllStandins();
  });

  it('finds the run cut off by kill -9 interrupted, says so in Slack with the state and the next step, and accepts the start it needs', async () => {
    slack = await SlackStandin.start({ socket: { redeliveryDelayMs: false } });
    const standin = await startStandinConnector({ name: 'pid-one', stopDelaySeconds: 8 });
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-pid-one-'));
    const env = {
      DATA_DIR: dataDir,
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_APP_TOKEN: slack.appToken,
      SLACK_API_URL: slack.apiUrl,
      CONNECTOR_NAME: 'ops',
      CONNECTOR_CONTAINER: standin.name,
      CONNECTOR_URL: standin.url,
      CONNECTOR_API_KEY: standin.apiKey,
      CONNECTOR_OPS_OPERATORS: `slack:${ALICE}`,
      CONNECTOR_OPS_APPROVERS: `slack:${BOB}`,
      STOP_GRACE_SECONDS: '30',
      HEALTHY_TIMEOUT_SECONDS: '20',
    };
    const standinSlack = slack;
    const messageWith = (text: string) => standinSlack.messagesIn(CHANNEL).find((m) => textOf(m).includes(text));

    const first = new ContainedBot(env);
    bots.push(first);
    const before = await first.identity();
    expect(before.pid).toBe(1);
    await slack.socket.waitForConnections(1, 20_000);

    // A restart, approved and cut off while the Connector takes its 8 s to stop: between the stop and the start.
    await slack.socket.send({ payload: slack.slashCommand({ text: 'restart ops --reason "stuck"', user: ALICE }) });
    const request = await until(() => messageWith('asks to restart ops'), 20_000, () => `no request posted:\n${first.output}`);
    const id = /Request ([a-z0-9]{6})/.exec(textOf(request))![1]!;
    await slack.socket.send({ payload: slack.blockActions({ message: request, actionId: buttonFor(request.blocks, '/connector approve '), user: BOB }) });
    await until(() => textOf(slack!.findMessage(CHANNEL, request.ts)!).includes('restarting'), 20_000, () => `the restart did not begin:\n${first.output}`);
    await first.kill9();
    const docker = testDockerClient();
    await until(async () => !(await docker.getContainer(standin.name).inspect()).State.Running, 30_000, () => 'the Connector did not stop');

    // The same host name, pid 1 again: only the instance id (and the silence of the old heartbeat) tells them apart.
    const second = new ContainedBot(env);
    bots.push(second);
    expect(await second.identity()).toEqual(before);
    const store = Store.open(join(dataDir, 'connector-ops.sqlite'));
    const requests = new OperationRequests(store, new AuditLog(store));
    try {
      // The heartbeat goes stale after 60 s; the bot looks every 30 s.
      await until(() => requests.get(id)?.state === 'interrupted', 150_000, () => `still ${requests.get(id)?.state}:\n${second.output}`);
    } finally {
      store.close();
    }

    // Told where it was requested: the request message says interrupted, without buttons; a post says how the connector is and what next.
    const updated = await until(() => {
      const message = slack!.findMessage(CHANNEL, request.ts)!;
      return textOf(message).includes('interrupted: the bot stopped while it ran') && message;
    }, 20_000, () => JSON.stringify(slack!.findMessage(CHANNEL, request.ts)));
    expect(JSON.stringify(updated.blocks)).not.toContain('"type":"actions"');
    const told = await until(() => messageWith(`Interrupted · ops`), 20_000, () => JSON.stringify(slack!.messagesIn(CHANNEL).map((m) => m.text)));
    expect(textOf(told)).toMatch(/Restart of ops \(request [a-z0-9]{6}, approved by Bob\) was cut off/);
    expect(textOf(told)).toMatch(/exited \(exit code \d+\)/);

    // Its button requests the start the interrupted restart left undone, and the connector is free for it.
    await slack.socket.send({ payload: slack.blockActions({ message: told, actionId: buttonFor(told.blocks, '/connector start ops'), user: ALICE }) });
    const start = await until(() => messageWith('asks to start ops'), 20_000, () => `no start request:\n${second.output}\n${JSON.stringify(slack!.responses.map((r) => r.body))}`);
    await slack.socket.send({ payload: slack.blockActions({ message: start, actionId: buttonFor(start.blocks, '/connector approve '), user: BOB }) });
    await until(() => slack!.messagesIn(CHANNEL).find((m) => m.threadTs === start.ts && textOf(m).includes('Start of ops succeeded')), 60_000, () => second.output);
    expect((await docker.getContainer(standin.name).inspect()).State.Running).toBe(true);
  }, 300_000);
});

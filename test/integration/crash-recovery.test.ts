import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { describeWith, requireDocker, requireStandinImage } from '../support/requirements.ts';
import { removeAllStandins, startStandinConnector, type StandinConnector } from '../support/standin.ts';

const BIN = fileURLToPath(new URL('../../src/bin.ts', import.meta.url));

/** The real bot, `connector-ops console`, in its own process: what it prints, and a way to type into it. */
class Bot {
  output = '';
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<void>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, [BIN, 'console'], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env } });
    this.child.stdout.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', () => resolve()));
  }

  type(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.output);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`${pattern} not printed within ${timeoutMs} ms; the bot printed:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    return this.exited;
  }

  async end(): Promise<void> {
    this.child.stdin.end();
    await this.exited;
  }
}

/** `kill -9` of the bot: approvals and the audit log are in the store, and survive it; a cut-off run is never re-run. */
describeWith([requireDocker, requireStandinImage], 'the bot killed with kill -9', () => {
  const bots: Bot[] = [];
  afterAll(async () => {
    for (const bot of bots) await bot.kill9().catch(() => undefined);
    await removeAllStandins();
  });

  function botFor(standin: StandinConnector, dataDir: string, env: Record<string, string> = {}): Bot {
    const bot = new Bot({
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
      DATA_DIR: dataDir,
      CONNECTOR_NAME: 'ops',
      CONNECTOR_CONTAINER: standin.name,
      CONNECTOR_URL: standin.url,
      CONNECTOR_API_KEY: standin.apiKey,
      STOP_GRACE_SECONDS: '30',
      HEALTHY_TIMEOUT_SECONDS: '20',
      ...env,
    });
    bots.push(bot);
    return bot;
  }

  it('a pending request survives kill -9 and can still be approved after the restart', async () => {
    const standin = await startStandinConnector({ name: 'kill-pending' });
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-kill-'));
    const first = botFor(standin, dataDir);
    first.type('/connector restart ops --reason "before the crash"');
    const [, id] = await first.waitFor(/Request ([a-z0-9]{6}) · requested/);
    await first.kill9();

    const second = botFor(standin, dataDir);
    second.type('/connector requests');
    await second.waitFor(new RegExp(`${id} +restart ops · pending · by `));
    second.type(`/connector approve ${id}`);
    await second.waitFor(/Restart of ops succeeded: healthy again/);
    await second.end();
  });

  it('kill -9 while an operation runs: after the restart it is interrupted, reported, and not run again', async () => {
    // A graceful stop that takes 20 s: time enough to kill the bot in the middle of it.
    const standin = await startStandinConnector({ name: 'kill-running', stopDelaySeconds: 20 });
    const dataDir = mkdtempSync(join(tmpdir(), 'cops-kill-'));
    const first = botFor(standin, dataDir);
    first.type('/connector stop ops');
    const [, id] = await first.waitFor(/Request ([a-z0-9]{6}) · requested/);
    first.type(`/connector approve ${id}`);
    await first.waitFor(/stopping .* \(SIGTERM, SIGKILL after 30 s\)/);
    await first.kill9();

    const second = botFor(standin, dataDir);
    // Told where it was requested (the terminal), with the connector's state and the next step to choose.
    await second.waitFor(new RegExp(`== Interrupted · ops == \\[CRIT\\][\\s\\S]*Stop of ops \\(request ${id}, approved by .*\\) was cut off[\\s\\S]*\\(1\\) Request stop`));
    second.type('/connector requests');
    await second.waitFor(/No pending or running requests\./);
    await second.waitFor(new RegExp(`${id} +stop ops · approved by .* · interrupted: the bot stopped while it ran`));
    second.type('/connector audit ops');
    await second.waitFor(new RegExp(`interrupted · ${id} · stop ops`));
    second.type(`/connector approve ${id}`);
    await second.waitFor(new RegExp(`Request ${id} was interrupted: interrupted: the bot stopped while it ran`));
    await second.end();
    // It was not run again: the audit log has one start only.
    expect(second.output.match(new RegExp(`started · ${id}`, 'g'))?.length ?? 0).toBeLessThanOrEqual(1);
  });
});

import { closeSync, openSync, renameSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogPosition } from '../../src/logs/follow.ts';
import { followInBackground } from '../support/follow-recorder.ts';
import { LogFileFollower } from '../../src/integrations/logfiles/tail.ts';

const OPTIONS = { pollMs: 20, idleMs: 60, backoffMs: 20 };

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'log-tail-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Follows `pattern` from `from` in the background until `stop()`. */
function following(pattern: string, from?: LogPosition) {
  return followInBackground(new LogFileFollower(pattern, OPTIONS), from);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await sleep(10);
  }
}

/** A log writer as an application has one: an open descriptor, appending. */
function writer(path: string) {
  let fd = openSync(path, 'a');
  return {
    write(text: string) {
      writeSync(fd, text);
    },
    /** Writes `line <n>` for every n in [from, to), in bursts with pauses between. */
    async lines(from: number, to: number, burst = 50): Promise<void> {
      for (let n = from; n < to; n++) {
        writeSync(fd, `line ${n}\n`);
        if ((n + 1) % burst === 0) await sleep(2);
      }
    },
    reopen() {
      closeSync(fd);
      fd = openSync(path, 'a');
    },
    close() {
      closeSync(fd);
    },
  };
}

const numbered = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);

/** Sets a file's modification time `seconds` back. */
async function ago(path: string, seconds: number): Promise<void> {
  const time = new Date(Date.now() - seconds * 1000);
  await utimes(path, time, time);
}

async function logOf(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.dev}:${info.ino}`;
}

describe('LogFileFollower', () => {
  it('reads what is appended from now on, with the offset after each line, and says once when it is idle', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, 'from before\n');
    const log = writer(path);
    const follow = following(path);
    await until('following', () => follow.statuses.some((s) => s.state === 'following'));
    log.write('one\r\ntwo\n');
    await until('two lines', () => follow.recorder.lines.length === 2);
    await until('idle', () => follow.recorder.idles === 1);
    // Silence can only be seen over time: five of its idle periods pass without a second idle.
    await sleep(OPTIONS.idleMs * 5);
    expect(follow.recorder.idles).toBe(1);
    log.write('three\n');
    await until('idle again', () => follow.recorder.idles === 2);
    expect(await follow.stop()).toBeLessThan(200);
    log.close();

    const id = await logOf(path);
    expect(follow.recorder.lines).toEqual([
      { stream: path, text: 'one', after: { log: id, at: '0000000000000017', seq: 0 } },
      { stream: path, text: 'two', after: { log: id, at: '0000000000000021', seq: 0 } },
      { stream: path, text: 'three', after: { log: id, at: '0000000000000027', seq: 0 } },
    ]);
  });

  it('passes a partial last line on only once its newline came', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const log = writer(path);
    const follow = following(path);
    await until('following', () => follow.statuses.some((s) => s.state === 'following'));
    log.write('first\nhalf a');
    await until('first', () => follow.recorder.lines.length === 1);
    // Idle means it has read all there is: the half line was read, and held back.
    await until('idle', () => follow.recorder.idles >= 1);
    expect(follow.recorder.texts).toEqual(['first']);
    log.write(' line\n');
    await until('the whole line', () => follow.recorder.lines.length === 2);
    await follow.stop();
    log.close();
    expect(follow.recorder.texts).toEqual(['first', 'half a line']);
    expect(follow.recorder.last?.at).toBe(String('first\nhalf a line\n'.length).padStart(16, '0'));
  });

  it('finishes a file renamed away during a burst through its descriptor, then reads the new one from its start', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const log = writer(path);
    const follow = following(path);
    await until('following', () => follow.statuses.some((s) => s.state === 'following'));
    const oldId = await logOf(path);
    await log.lines(0, 1000);
    renameSync(path, `${path}.1`);
    await log.lines(1000, 1100); // the application still writes to the renamed file until it reopens
    log.reopen();
    await log.lines(1100, 2000);
    // A last line as a barrier: whatever the follower would repeat or add comes before it.
    log.write('end\n');
    await until('every line', () => follow.recorder.texts.at(-1) === 'end');
    await follow.stop();
    log.close();

    expect(follow.recorder.texts).toEqual([...numbered(0, 2000), 'end']);
    const newId = await logOf(path);
    expect(follow.recorder.lines[1099]?.after.log).toBe(oldId);
    expect(follow.recorder.lines[1100]?.after).toEqual({ log: newId, at: String('line 1100\n'.length).padStart(16, '0'), seq: 0 });
  });

  it('starts again at 0 when the file was truncated (copytruncate)', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const log = writer(path);
    const follow = following(path);
    await until('following', () => follow.statuses.some((s) => s.state === 'following'));
    await log.lines(0, 100);
    await until('100 lines', () => follow.recorder.lines.length === 100);
    truncateSync(path, 0); // the copy is app.log.1's business; the descriptor writes on at 0 (O_APPEND)
    await log.lines(100, 110);
    await until('110 lines', () => follow.recorder.lines.length === 110);
    await follow.stop();
    log.close();
    expect(follow.recorder.texts).toEqual(numbered(0, 110));
    expect(follow.recorder.lines[100]?.after.at).toBe(String('line 100\n'.length).padStart(16, '0'));
  });

  it('resumes from a position: every line exactly once, a partial line at the stop included', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const log = writer(path);
    const first = following(path);
    await until('following', () => first.statuses.some((s) => s.state === 'following'));
    const burst = log.lines(0, 2000, 20);
    await until('some lines', () => first.recorder.lines.length > 300);
    await first.stop(); // in the middle of the burst
    await burst;
    log.write('half');
    const second = following(path, first.recorder.last);
    await until('the rest', () => second.recorder.lines.length >= 2000 - first.recorder.lines.length);
    log.write(' done\n');
    await until('the completed line', () => second.recorder.texts.at(-1) === 'half done');
    await second.stop();
    log.close();
    expect(first.recorder.lines.length).toBeLessThan(2000);
    expect([...first.recorder.texts, ...second.recorder.texts]).toEqual([...numbered(0, 2000), 'half done']);
  });

  it('resumes after a rotation that happened while not following: the rest of the old file, then the new one', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, '');
    const log = writer(path);
    const first = following(path);
    await until('following', () => first.statuses.some((s) => s.state === 'following'));
    await log.lines(0, 100);
    await until('100 lines', () => first.recorder.lines.length === 100);
    await first.stop();
    // While the bot is down: more lines, two rotations (the old file is now app.log.2), a new file.
    await log.lines(100, 150);
    renameSync(path, `${path}.1`);
    log.reopen();
    await log.lines(150, 200);
    renameSync(`${path}.1`, `${path}.2`);
    renameSync(path, `${path}.1`);
    log.reopen();
    await log.lines(200, 250);
    // Rotations are hours apart: their files' times tell their order.
    await ago(`${path}.2`, 120);
    await ago(`${path}.1`, 60);

    const second = following(path, first.recorder.last);
    await until('the rest', () => second.recorder.lines.length >= 150);
    await log.lines(250, 260);
    await until('new lines', () => second.recorder.lines.length >= 160);
    await second.stop();
    log.close();
    expect([...first.recorder.texts, ...second.recorder.texts]).toEqual(numbered(0, 260));
  });

  it('reads the current file from its start when the position names a file that is gone', async () => {
    const path = join(dir, 'app.log');
    await writeFile(path, 'old\n');
    const gone = { log: await logOf(path), at: '0000000000000004', seq: 0 };
    unlinkSync(path);
    await writeFile(join(dir, 'placeholder'), 'x'); // so that the new file gets another inode
    await writeFile(path, 'new 1\nnew 2\n');
    const follow = following(path, gone);
    await until('two lines', () => follow.recorder.lines.length === 2);
    await follow.stop();
    expect(follow.recorder.texts).toEqual(['new 1', 'new 2']);
  });

  it('waits for a file that does not exist yet, then reads it from its start', async () => {
    const path = join(dir, 'logs', 'app.log');
    const follow = following(path);
    await until('waiting', () => follow.statuses.some((s) => s.state === 'waiting'));
    expect(follow.statuses[0]).toEqual({ state: 'waiting', reason: `no file matches ${path}` });
    await mkdir(join(dir, 'logs'));
    await writeFile(path, 'first\n');
    await until('first', () => follow.recorder.lines.length === 1);
    await follow.stop();
    expect(follow.recorder.texts).toEqual(['first']);
    expect(follow.statuses.at(-1)).toEqual({ state: 'following' });
  });

  it('follows the newest file of a glob: a new daily file takes over once the old one is read to its end', async () => {
    await writeFile(join(dir, 'app-2026-08-18.log'), 'older\n');
    await ago(join(dir, 'app-2026-08-18.log'), 86_400);
    const today = join(dir, 'app-2026-08-19.log');
    await writeFile(today, '');
    const follow = following(join(dir, 'app-*.log'));
    await until('following', () => follow.statuses.some((s) => s.state === 'following'));
    const log = writer(today);
    await log.lines(0, 10);
    await until('10 lines', () => follow.recorder.lines.length === 10);
    const tomorrow = writer(join(dir, 'app-2026-08-20.log'));
    await tomorrow.lines(10, 20);
    await until('20 lines', () => follow.recorder.lines.length === 20);
    await follow.stop();
    log.close();
    tomorrow.close();
    expect(follow.recorder.texts).toEqual(numbered(0, 20));
    expect(new Set(follow.recorder.lines.map((line) => line.stream))).toEqual(new Set([today, join(dir, 'app-2026-08-20.log')]));
  });
});

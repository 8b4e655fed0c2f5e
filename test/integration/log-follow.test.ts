import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { comparePositions } from '../../src/logs/follow.ts';
import type { LogPosition } from '../../src/logs/follow.ts';
import { followInBackground, type SeenLine as Seen } from '../support/follow-recorder.ts';
import { ContainerLogFollower } from '../../src/integrations/docker/log-follow.ts';
import { normaliseDockerTime } from '../../src/integrations/docker/log-timestamp.ts';
import { DockerStreamDemuxer } from '../../src/integrations/docker/logs.ts';
import { LineSplitter } from '../../src/logs/lines.ts';
import { fixtureDockerClient, testDockerClient } from '../support/builders.ts';
import { ENGINE_KINDS, describeWith, requireDockerEngine, requireStandinImage } from '../support/requirements.ts';
import { standinImage, testLabels } from '../support/standin.ts';

const OPTIONS = { pollMs: 200, idleMs: 100, backoffMs: 100 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${what}`);
    await sleep(20);
  }
}

/**
 * 2000 numbered lines on stdout in bursts of 100, every tenth number also on stderr; the count survives a
 * restart of the container (it is kept in its file system), and SIGTERM ends the script between two lines.
 */
const NUMBERED = `trap 'exit 0' TERM
i=0; [ -f /tmp/n ] && read i < /tmp/n
while [ $i -lt 2000 ]; do
  echo "line $i"
  [ $((i % 10)) -eq 0 ] && echo "err $i" >&2
  i=$((i+1)); echo $i > /tmp/n
  [ $((i % 100)) -eq 0 ] && sleep 0.1
done`;

interface StreamLines {
  stdout: string[];
  stderr: string[];
}

/** A timestamp after a line's own: the one of an entry that continues the line (see below). */
const INNER_TIMESTAMP = /(?<!^)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d) /g;

/**
 * Every line of the container's log as `docker logs --timestamps` gives it, stream by stream. Without a TTY, a
 * line the engine logged in pieces (Podman, for a read of the container's pipe that ended mid-line) carries each
 * further piece's timestamp inside it: the follower drops those, and so does this (by text, not by frames).
 */
async function fullLog(container: Docker.Container, tty: boolean): Promise<StreamLines> {
  const raw = (await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false })) as unknown as Buffer;
  const lines: StreamLines = { stdout: [], stderr: [] };
  const text = (bytes: Buffer, start: number, end: number) => (tty ? bytes.toString('utf8', start, end) : bytes.toString('utf8', start, end).replace(INNER_TIMESTAMP, ''));
  const splitter = (stream: keyof StreamLines) => new LineSplitter({ line: (bytes, start, end) => lines[stream].push(text(bytes, start, end)) });
  const stdout = splitter('stdout');
  const stderr = splitter('stderr');
  if (tty) stdout.push(raw);
  else new DockerStreamDemuxer((stream, chunk, start, end) => (stream === 2 ? stderr : stdout).push(chunk, start, end)).push(raw);
  stdout.end();
  stderr.end();
  return lines;
}

function byStream(seen: readonly Seen[]): StreamLines {
  const lines: StreamLines = { stdout: [], stderr: [] };
  for (const line of seen) (line.stream === 'stderr' ? lines.stderr : lines.stdout).push(line.text);
  return lines;
}

/** Positions only go forward, name the container, and are the timestamp each line starts with. */
function expectPositions(seen: readonly Seen[], containerId: string): void {
  let previous: LogPosition | undefined;
  for (const line of seen) {
    expect(['stdout', 'stderr']).toContain(line.stream);
    expect(line.after.log).toBe(containerId);
    expect(line.after.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(normaliseDockerTime(line.text.slice(0, line.text.indexOf(' ')))).toBe(line.after.at);
    if (previous) expect(comparePositions(previous, line.after)).toBeLessThan(0);
    previous = line.after;
  }
}

describe.each(ENGINE_KINDS)('following a container log on the real $kind engine', ({ kind: engineKind, engine }) => {
describeWith([requireStandinImage(), () => requireDockerEngine(engine)], engineKind, () => {
  const docker = fixtureDockerClient(engine);
  const product = testDockerClient(engine);
  /** The state of a container that ran and ended, as the engine names it: Podman 4 says "stopped" until it has cleaned up after it. */
  const EXITED = engineKind === 'Podman' ? /^container is (stopped|exited)$/ : /^container is exited$/;
  const containers: Docker.Container[] = [];

  async function scriptContainer(script: string, tty: boolean, name = `cops-test-log-follow-${randomBytes(4).toString('hex')}`): Promise<Docker.Container> {
    const container = await docker.createContainer({
      name,
      Image: standinImage(),
      Entrypoint: ['/bin/sh', '-c', script],
      Tty: tty,
      Labels: testLabels(),
      HostConfig: { NetworkMode: 'none' },
    });
    containers.push(container);
    return container;
  }

  function following(container: string, from?: LogPosition, client: Docker = product) {
    return followInBackground(new ContainerLogFollower(client, container, OPTIONS), from);
  }

  const exited = (container: Docker.Container) => async () => !(await container.inspect()).State.Running;
  /** The follower read a stopped container's log to its end and waits for it to run again. */
  const atEnd = (follow: { statuses: Array<{ state: string; reason?: string }> }) => EXITED.test(follow.statuses.at(-1)?.reason ?? '');

  afterAll(async () => {
    await Promise.all(containers.map((container) => container.remove({ force: true }).catch(() => undefined)));
  });

  for (const tty of [false, true]) {
    const kind = tty ? 'a TTY container' : 'a container without a TTY';

    it(`${kind}: stopped in the middle of a burst and resumed from its last position, every line comes exactly once, in order`, async () => {
      const container = await scriptContainer(NUMBERED, tty);
      // Followed from "now" before the container starts: all of its log is after now.
      const first = following(container.id);
      await until('the follower waits for the container', () => first.statuses.length > 0);
      await container.start();
      await until('some lines', () => first.recorder.lines.length > 500);
      expect(await first.stop()).toBeLessThan(1_000);
      const second = following(container.id, first.recorder.last);
      await until('the container is done', exited(container));
      const expected = await fullLog(container, tty);
      const total = expected.stdout.length + expected.stderr.length;
      // The follower has read to the end of the stopped container's log: whatever it would repeat came before.
      await until('every line, and the end of the log', () => first.recorder.lines.length + second.recorder.lines.length >= total && atEnd(second));
      await second.stop();

      const seen = [...first.recorder.lines, ...second.recorder.lines];
      expect(first.recorder.lines.length).toBeLessThan(total - 100);
      expect(byStream(seen)).toEqual(expected);
      // Podman 4 logs the newline of a TTY line it read in two chunks as an entry of its own, and writes that
      // entry's timestamp into the line ("line 1222026-12-07T21:18:47Z "): its log, which the follower reproduces.
      const numbers = expected.stdout
        .map((line) => line.replace(/^\S+ /, '').replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ $/, ''))
        .filter((text) => text.startsWith('line '));
      expect(numbers).toEqual(Array.from({ length: 2000 }, (_, n) => `line ${n}`));
      if (tty) expect(seen.every((line) => line.stream === 'stdout')).toBe(true); // one raw stream
      else expect(byStream(seen).stderr).toHaveLength(200);
      expectPositions(seen, container.id);
      expect(second.recorder.idles).toBeGreaterThan(0);
    });

    it(`${kind}: restarted in the middle of a burst while followed, no line is lost and none comes twice`, async () => {
      const container = await scriptContainer(NUMBERED, tty);
      const follow = following(container.id);
      await until('the follower waits for the container', () => follow.statuses.length > 0);
      await container.start();
      await until('some lines', () => follow.recorder.lines.length > 500);
      const firstRun = (await container.inspect()).State.StartedAt;
      await container.restart({ t: 5 });
      expect((await container.inspect()).State.StartedAt).not.toBe(firstRun);
      await until('the container is done', exited(container), 30_000);
      const expected = await fullLog(container, tty);
      const total = expected.stdout.length + expected.stderr.length;
      // The idle after the last line comes once the stream is quiet (Podman ends it some time after the log).
      await until('every line, the end of the log, and the idle after it', () => follow.recorder.lines.length >= total && atEnd(follow) && follow.recorder.settled);
      const idles = follow.recorder.idles;
      // Silence can only be seen over time: half a second without another idle while nothing comes.
      await sleep(500);
      expect(follow.recorder.idles).toBe(idles);
      await follow.stop();

      expect(byStream(follow.recorder.lines)).toEqual(expected);
      expect(expected.stdout.length).toBeGreaterThanOrEqual(2000);
      expectPositions(follow.recorder.lines, container.id);
      expect(follow.statuses.at(-1)).toEqual({ state: 'waiting', reason: expect.stringMatching(EXITED) });
    });
  }

  it('reads a recreated container (same name, new id) from the beginning of its log', async () => {
    const name = `cops-test-log-follow-${randomBytes(4).toString('hex')}`;
    const before = await scriptContainer(`trap 'exit 0' TERM; i=0; while true; do echo "before $i"; i=$((i+1)); sleep 0.05; done`, false, name);
    await before.start();
    const follow = following(name);
    await until('lines of the first container', () => follow.recorder.lines.length > 5);
    await before.remove({ force: true });
    const after = await scriptContainer(`i=0; while [ $i -lt 50 ]; do echo "after $i"; i=$((i+1)); done`, false, name);
    await after.start(); // its lines are logged before the follower notices it
    await until('the lines of the new container, and the end of its log', () => follow.recorder.lines.filter((line) => line.after.log === after.id).length >= 50 && atEnd(follow));
    await follow.stop();

    const beforeLines = follow.recorder.lines.filter((line) => line.after.log === before.id);
    const afterLines = follow.recorder.lines.filter((line) => line.after.log === after.id);
    expect(beforeLines.length + afterLines.length).toBe(follow.recorder.lines.length);
    expect(beforeLines[0]?.text).not.toMatch(/ before 0$/); // the first container's past was not read
    expect(afterLines.map((line) => line.text)).toEqual((await fullLog(after, false)).stdout);
    expect(afterLines[0]?.text).toMatch(/ after 0$/);
    expectPositions(afterLines, after.id);
  });

  it('waits, naming the reason, while the container does not exist or the engine cannot be reached, and stops at once', async () => {
    const missing = following('cops-test-log-follow-no-such-container');
    await until('waiting', () => missing.statuses.length > 0);
    expect(missing.statuses[0]).toEqual({ state: 'waiting', reason: 'container "cops-test-log-follow-no-such-container" not found' });
    expect(await missing.stop()).toBeLessThan(500);

    const gone = new Docker({ socketPath: join(tmpdir(), `no-docker-${randomBytes(4).toString('hex')}.sock`) });
    const unreachable = following('any', undefined, gone);
    await until('waiting', () => unreachable.statuses.length > 0);
    expect(unreachable.statuses[0]?.state).toBe('waiting');
    expect(unreachable.statuses[0]?.reason).toMatch(/^container engine unreachable \(.*ENOENT/);
    expect(await unreachable.stop()).toBeLessThan(500);
  });
});
});

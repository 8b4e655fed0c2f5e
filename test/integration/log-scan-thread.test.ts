import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogScanThread } from '../../src/checks/error-logs/log-scan-thread.ts';
import type { ErrorLogScanRequest } from '../../src/checks/error-logs/scan.ts';
import { LocalLogScanner } from '../../src/checks/error-logs/scanner.ts';
import { ContainerLogs } from '../../src/integrations/docker/logs.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';
import { Redactor } from '../../src/logging/redact.ts';
import { distinctErrorLines, testDockerClient, testEngineSettings } from '../support/builders.ts';

const CONFIGURED_SECRET = 'configured-secret-4711';
const API_KEY = 'the-connector-api-key-0815';

describe('logs scanned in a thread of their own', () => {
  let dir: string;
  const thread = new LogScanThread([CONFIGURED_SECRET], [testEngineSettings()]);
  const request = (logFiles: string[], more: Partial<ErrorLogScanRequest> = {}): ErrorLogScanRequest => ({
    engine: testEngineSettings().name,
    logFiles,
    since: Date.now() - 3_600_000,
    maxGroups: 1000,
    connectorSecrets: [API_KEY],
    ...more,
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'file-scan-thread-'));
    const { text } = distinctErrorLines(40);
    const secrets = distinctErrorLines(1).text.replace('failure kind a', `login refused for ${CONFIGURED_SECRET} with key ${API_KEY}`);
    await writeFile(join(dir, 'connector.log'), text + text + secrets);
    // Large enough that a scan is still reading when it is cancelled.
    await writeFile(join(dir, 'large.log'), text.repeat(40_000));
  });

  afterAll(async () => {
    await thread.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds what a scan in this thread finds, with the configured and the connector\'s secrets masked', async () => {
    const patterns = [join(dir, 'connector.log')];
    const inThread = await thread.scan(request(patterns), AbortSignal.timeout(10_000));
    const readers = { containerLogs: new ContainerLogs(testDockerClient()), logFiles: new LogFiles() };
    const here = await new LocalLogScanner(() => readers, new Redactor([CONFIGURED_SECRET])).scan(request(patterns), AbortSignal.timeout(10_000));
    expect(inThread).toEqual(here);
    expect(inThread.errors.total.count).toBe(81);
    expect(inThread.errors.groups).toHaveLength(41);
    expect(inThread.sources).toEqual([expect.objectContaining({ kind: 'files', lines: 81, events: 81, files: patterns })]);
    const text = JSON.stringify(inThread);
    expect(text).toContain('login refused for *** with key ***');
    expect(text).not.toContain(CONFIGURED_SECRET);
    expect(text).not.toContain(API_KEY);
  });

  it('stops a scan when its check is cancelled, says how far it got, and scans again afterwards', async () => {
    const controller = new AbortController();
    const scan = thread.scan(request([join(dir, 'large.log')]), controller.signal);
    setTimeout(() => controller.abort(new DOMException('time is up', 'TimeoutError')), 200);
    const { sources } = await scan;
    expect(sources[0]?.failure).toMatch(/^(aborted \(time is up\)|timed out)$/);
    expect(sources[0]?.lines).toBeGreaterThan(0);
    expect(sources[0]?.lines).toBeLessThan(40 * 40_000);
    const next = await thread.scan(request([join(dir, 'connector.log')]), AbortSignal.timeout(10_000));
    expect(next.errors.total.count).toBe(81);
  });

  it('reads container logs through its own client of the engine, and says which container it could not find', async () => {
    const scan = await thread.scan(request([], { container: 'cops-test-no-such-container' }), AbortSignal.timeout(10_000));
    expect(scan.sources).toEqual([expect.objectContaining({ kind: 'container', failure: 'container "cops-test-no-such-container" not found' })]);
  });

  it.runIf(process.platform === 'linux')('scans at a lower priority than the bot\'s own thread, which acknowledges chat requests', async () => {
    await thread.scan(request([join(dir, 'connector.log')]), AbortSignal.timeout(10_000));
    // Each thread's nice value, from the 19th field of /proc/self/task/<tid>/stat (after the name in parentheses).
    const nice = (tid: string) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const threads = readdirSync('/proc/self/task').map((tid) => ({ tid, nice: nice(tid) }));
    expect(nice(String(process.pid))).toBe(0);
    expect(threads.filter((t) => t.nice === 10)).toHaveLength(1);
    expect(threads.filter((t) => t.nice !== 0 && t.nice !== 10)).toEqual([]);
  });

  it('fails a scan on an engine that is not configured, saying so', async () => {
    await expect(thread.scan(request([], { engine: 'elsewhere', container: 'c' }), AbortSignal.timeout(10_000))).rejects.toThrow(
      'no engine named "elsewhere" is configured',
    );
  });

  it('fails the scans running when it closes, and starts anew at the next scan', async () => {
    const running = expect(thread.scan(request([join(dir, 'large.log')]), AbortSignal.timeout(30_000))).rejects.toThrow('the bot is stopping');
    await thread.close();
    await running;
    const next = await thread.scan(request([join(dir, 'connector.log')]), AbortSignal.timeout(10_000));
    expect(next.errors.total.count).toBe(81);
  });
});

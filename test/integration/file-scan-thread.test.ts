import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileScanner } from '../../src/checks/error-logs/file-scan.ts';
import type { FileScanRequest } from '../../src/checks/error-logs/file-scan.ts';
import { FileScanThread } from '../../src/checks/error-logs/file-scan-thread.ts';
import { LogFiles } from '../../src/integrations/logfiles/log-files.ts';
import { Redactor } from '../../src/logging/redact.ts';
import { distinctErrorLines } from '../support/builders.ts';

const CONFIGURED_SECRET = 'configured-secret-4711';
const API_KEY = 'the-connector-api-key-0815';

describe('log files scanned in a thread of their own', () => {
  let dir: string;
  const thread = new FileScanThread([CONFIGURED_SECRET]);
  const request = (patterns: string[]): FileScanRequest => ({
    patterns,
    since: Date.now() - 3_600_000,
    maxGroups: 1000,
    connectorSecrets: [API_KEY],
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
    const here = await new LocalFileScanner(new LogFiles(), new Redactor([CONFIGURED_SECRET])).scan(request(patterns), AbortSignal.timeout(10_000));
    expect(inThread).toEqual(here);
    expect(inThread.errors.total.count).toBe(81);
    expect(inThread.errors.groups).toHaveLength(41);
    expect(inThread.source).toMatchObject({ kind: 'files', lines: 81, events: 81, files: patterns });
    const text = JSON.stringify(inThread);
    expect(text).toContain('login refused for *** with key ***');
    expect(text).not.toContain(CONFIGURED_SECRET);
    expect(text).not.toContain(API_KEY);
  });

  it('stops a scan when its check is cancelled, and scans again afterwards', async () => {
    const controller = new AbortController();
    const scan = thread.scan(request([join(dir, 'large.log')]), controller.signal);
    controller.abort(new Error('time is up'));
    await expect(scan).rejects.toThrow('time is up');
    const next = await thread.scan(request([join(dir, 'connector.log')]), AbortSignal.timeout(10_000));
    expect(next.errors.total.count).toBe(81);
  });

  it('says what went wrong with a file, as the scan in this thread does', async () => {
    const missing = join(dir, 'missing', 'connector.log');
    const scan = await thread.scan(request([missing]), AbortSignal.timeout(10_000));
    expect(scan.source).toMatchObject({ kind: 'files', lines: 0 });
    expect(scan.source.failure).toMatch(/\S/);
  });

  it('fails the scans running when it closes, and starts anew at the next scan', async () => {
    const running = expect(thread.scan(request([join(dir, 'large.log')]), AbortSignal.timeout(30_000))).rejects.toThrow('the bot is stopping');
    await thread.close();
    await running;
    const next = await thread.scan(request([join(dir, 'connector.log')]), AbortSignal.timeout(10_000));
    expect(next.errors.total.count).toBe(81);
  });
});

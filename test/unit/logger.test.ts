import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.ts';
import { Redactor } from '../../src/logging/redact.ts';

const SECRET = 'Zq9-connector-api-key-42';

/** A logger writing JSON lines into memory (pino writes synchronously to a plain stream). */
function capture(level = 'debug') {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, redactor: new Redactor([SECRET]), pretty: false, destination });
  const records = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, text: () => chunks.join(''), records };
}

describe('createLogger', () => {
  it('writes zero-width and reordering characters of what it logs as escapes, in messages and fields', () => {
    const { logger, text, records } = capture();
    logger.warn({ sample: 'Sync failed\u202e\u200b', nested: { name: 'a\u2066b' } }, 'log line \u202egnp.exe');
    expect(text()).not.toMatch(/[\u200b\u202e\u2066]/);
    expect(records()[0]).toMatchObject({ msg: 'log line \\u202egnp.exe', sample: 'Sync failed\\u202e\\u200b', nested: { name: 'a\\u2066b' } });
  });

  it('masks a configured secret in the message, in format arguments and in nested fields', () => {
    const { logger, text, records } = capture();
    logger.info(`connecting with ${SECRET}`);
    logger.info('key is %s', SECRET);
    logger.warn({ connector: { name: 'main', headers: [{ note: `X ${SECRET}` }], apiKey: SECRET } }, 'nested');
    expect(text()).not.toContain(SECRET);
    const [first, second, third] = records();
    expect(first?.msg).toBe('connecting with ***');
    expect(second?.msg).toBe('key is ***');
    expect(third).toMatchObject({ msg: 'nested', connector: { name: 'main', headers: [{ note: 'X ***' }], apiKey: '***' } });
  });

  it('masks secrets in an err field: message, stack and cause, and keeps the error type', () => {
    const { logger, text, records } = capture();
    const cause = Object.assign(new Error(`connect ECONNREFUSED mongodb://u:${SECRET}@db:27017`), { code: 'ECONNREFUSED' });
    logger.error({ err: new TypeError(`request with ${SECRET} failed`, { cause }) }, 'check failed');
    expect(text()).not.toContain(SECRET);
    const [record] = records();
    expect(record?.msg).toBe('check failed');
    expect(record?.err).toMatchObject({ type: 'TypeError', message: 'request with *** failed', cause: { code: 'ECONNREFUSED' } });
    expect(String((record?.err as { stack: string }).stack)).toContain('TypeError: request with *** failed');
  });

  it('logs an Error given as the first argument under err, with its message as msg, redacted', () => {
    const { logger, text, records } = capture();
    logger.error(new Error(`boom ${SECRET}`));
    logger.error(new Error(`bang ${SECRET}`), 'while checking');
    expect(text()).not.toContain(SECRET);
    const [first, second] = records();
    expect(first).toMatchObject({ msg: 'boom ***', err: { type: 'Error', message: 'boom ***' } });
    expect(second).toMatchObject({ msg: 'while checking', err: { type: 'Error', message: 'bang ***' } });
  });

  it('masks secrets in the bindings of a child logger', () => {
    const { logger, text, records } = capture();
    logger.child({ connector: { name: 'main', url: `http://x/?k=${SECRET}` } }).info('child');
    expect(text()).not.toContain(SECRET);
    expect(records()[0]).toMatchObject({ msg: 'child', connector: { name: 'main' } });
  });

  it('honours the level', () => {
    const { logger, records } = capture('warn');
    logger.info('not shown');
    logger.warn('shown');
    expect(records().map((r) => r.msg)).toEqual(['shown']);
  });
});

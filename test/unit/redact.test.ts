import { describe, expect, it } from 'vitest';
import { MASK, Redactor, redact } from '../../src/logging/redact.ts';
import { CONFIGURED_SECRETS, PLAIN_LINES, SECRET_LINES } from '../fixtures/redaction/corpus.ts';

const redactor = new Redactor(CONFIGURED_SECRETS);

describe('Redactor.redact on the corpus of secret-bearing lines', () => {
  it.each(SECRET_LINES.map((entry) => [entry.name, entry] as const))('%s', (_name, entry) => {
    const out = redactor.redact(entry.line);
    for (const secret of entry.secrets) expect(out).not.toContain(secret);
    expect(out).toContain(MASK);
    if (entry.expected !== undefined) expect(out).toBe(entry.expected);
  });
});

describe('Redactor.redact leaves lines without secrets alone', () => {
  it.each(PLAIN_LINES)('%s', (line) => {
    expect(redactor.redact(line)).toBe(line);
  });
});

describe('Redactor', () => {
  it('is idempotent: redacting twice changes nothing more', () => {
    for (const { line } of SECRET_LINES) {
      const once = redactor.redact(line);
      expect(redactor.redact(once)).toBe(once);
    }
  });

  it('answers a text it has seen as it did the first time, and each text of many by its own redaction', () => {
    const r = new Redactor(CONFIGURED_SECRETS);
    const lines = [...SECRET_LINES.map((entry) => entry.line), ...PLAIN_LINES];
    const first = lines.map((line) => r.redact(line));
    // More texts than it keeps, so the oldest are redacted anew and the rest come from what it kept.
    for (let i = 0; i < 600; i++) r.redact(`filler ${i} password=hunter${i}2`);
    expect(lines.map((line) => r.redact(line))).toEqual(first);
    expect(lines.map((line) => new Redactor(CONFIGURED_SECRETS).redact(line))).toEqual(first);
    expect(r.redact('filler 599 password=hunter5992')).toBe('filler 599 password=***');
  });

  it('masks a secret that contains another one as a whole', () => {
    const r = new Redactor(['abcdef', 'abcdef-and-more']);
    expect(r.redact('value abcdef-and-more end')).toBe('value *** end');
  });

  it('leaves very short configured values to the pattern rules, so ordinary words survive', () => {
    const r = new Redactor(['a', 'ok', 'admin', undefined]);
    expect(r.redact('admin says ok')).toBe('admin says ok');
  });

  it('the module-level redact() applies the pattern rules without configured secrets', () => {
    expect(redact('amqp://guest:guest@127.0.0.1:5672')).toBe('amqp://guest:***@127.0.0.1:5672');
    expect(redact('the operator pasted Zq9c!connector/api+key=42')).toContain('Zq9c!connector/api+key=42');
  });
});

describe('Redactor.redactDeep', () => {
  const secret = CONFIGURED_SECRETS[0]!;

  it('redacts strings in nested objects and arrays, and returns a copy', () => {
    const input = {
      connector: { name: 'main', url: 'http://127.0.0.1:8080', note: `key ${secret}` },
      uris: ['mongodb://u:pw-123456@db:27017/x', 'plain'],
      count: 3,
      ok: true,
      none: null,
    };
    const out = redactor.redactDeep(input);
    expect(out).toEqual({
      connector: { name: 'main', url: 'http://127.0.0.1:8080', note: 'key ***' },
      uris: ['mongodb://u:***@db:27017/x', 'plain'],
      count: 3,
      ok: true,
      none: null,
    });
    expect(input.connector.note).toBe(`key ${secret}`);
  });

  it('masks values under keys that name a secret, whatever their shape', () => {
    const out = redactor.redactDeep({
      apiKey: 'short1',
      headers: { 'X-API-KEY': 'k', Authorization: 'Bearer abc', accept: 'application/json' },
      password: 'pw',
      apiKeyHeader: 'X-API-KEY',
    });
    expect(out).toEqual({
      apiKey: MASK,
      headers: { 'X-API-KEY': MASK, Authorization: MASK, accept: 'application/json' },
      password: MASK,
      apiKeyHeader: 'X-API-KEY',
    });
  });

  it('turns an error into its type, message and stack, all redacted, keeping its code and cause', () => {
    const cause = Object.assign(new Error(`connect ECONNREFUSED redis://:${secret}@h:6379`), { code: 'ECONNREFUSED' });
    const error = Object.assign(new TypeError(`fetch failed for ${secret}`, { cause }), { code: 'E_FETCH' });
    const out = redactor.redactDeep<unknown>({ err: error }) as { err: Record<string, unknown> };
    expect(out.err.type).toBe('TypeError');
    expect(out.err.message).toBe('fetch failed for ***');
    expect(out.err.code).toBe('E_FETCH');
    expect(String(out.err.stack)).toContain('TypeError: fetch failed for ***');
    expect(out.err.cause).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED redis://:***@h:6379' });
    expect(JSON.stringify(out)).not.toContain(secret);
  });

  it('survives cycles, and shows a shared (non-cyclic) object each time it appears', () => {
    const shared = { token: 'xoxb-1234567890-abcdefghij', name: 'shared' };
    const cyclic: Record<string, unknown> = { name: 'root', shared, again: shared };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, shared];
    const out = redactor.redactDeep(cyclic) as Record<string, unknown>;
    expect(out.self).toBe('[circular]');
    expect(out.shared).toEqual({ token: MASK, name: 'shared' });
    expect(out.again).toEqual({ token: MASK, name: 'shared' });
    expect(out.list).toEqual(['[circular]', { token: MASK, name: 'shared' }]);
  });

  it('keeps dates and URLs readable instead of turning them into empty objects', () => {
    const out = redactor.redactDeep({
      at: new Date('2024-05-01T12:00:00.000Z'),
      url: new URL('https://user:pw-1234@example.com/x'),
    });
    expect(out).toEqual({ at: '2024-05-01T12:00:00.000Z', url: 'https://user:***@example.com/x' });
  });

  it('passes primitives through and redacts a bare string', () => {
    expect(redactor.redactDeep(42)).toBe(42);
    expect(redactor.redactDeep(undefined)).toBeUndefined();
    expect(redactor.redactDeep(`x ${secret}`)).toBe('x ***');
  });
});

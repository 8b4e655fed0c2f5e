import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureProblem } from '../../src/chat/slack/signature.ts';
import { signature } from '../support/slack/index.ts';

const SECRET = 'the-signing-secret';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const body = Buffer.from('command=%2Fconnector&text=help');

function headers(offsetSeconds: number, secret = SECRET, raw = body) {
  const timestamp = String(NOW / 1000 + offsetSeconds);
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature(secret, timestamp, raw.toString()) };
}

describe('signatureProblem (Slack\'s v0 signature)', () => {
  it('holds for the body Slack signed, within 5 minutes either way', () => {
    for (const offset of [0, -299, 299]) expect(signatureProblem(SECRET, headers(offset), body, NOW)).toBeUndefined();
  });

  it('refuses a timestamp more than 5 minutes old, and one more than 5 minutes ahead', () => {
    expect(signatureProblem(SECRET, headers(-301), body, NOW)).toMatch(/more than 5 minutes/);
    expect(signatureProblem(SECRET, headers(301), body, NOW)).toMatch(/more than 5 minutes/);
  });

  it('refuses another secret, another body, a cut or altered hash, another version and missing headers', () => {
    expect(signatureProblem(SECRET, headers(0, 'another-secret'), body, NOW)).toBe('a signature that does not match');
    expect(signatureProblem(SECRET, headers(0), Buffer.from('command=%2Fconnector&text=stop'), NOW)).toBe('a signature that does not match');
    const good = headers(0);
    expect(signatureProblem(SECRET, { ...good, 'x-slack-signature': good['x-slack-signature'].slice(0, -2) }, body, NOW)).toBe('a signature that does not match');
    expect(signatureProblem(SECRET, { ...good, 'x-slack-signature': `${good['x-slack-signature'].slice(0, -1)}g` }, body, NOW)).toBe('a signature that does not match');
    expect(signatureProblem(SECRET, { ...good, 'x-slack-signature': good['x-slack-signature'].replace('v0=', 'v1=') }, body, NOW)).toMatch(/unknown version/);
    expect(signatureProblem(SECRET, { 'x-slack-signature': good['x-slack-signature'] }, body, NOW)).toMatch(/no signature or timestamp/);
    expect(signatureProblem(SECRET, { ...good, 'x-slack-request-timestamp': 'soon' }, body, NOW)).toMatch(/not a number/);
  });

  it('takes the hash only as Slack writes it: nothing after its 64 hex digits, no capitals (as Bolt compares it)', () => {
    const good = headers(0)['x-slack-signature'];
    for (const altered of [`${good}00`, `${good}zz`, `${good}=v0`, good.toUpperCase().replace('V0=', 'v0='), ` ${good}`]) {
      expect(signatureProblem(SECRET, { ...headers(0), 'x-slack-signature': altered }, body, NOW)).toBeDefined();
    }
  });

  it('covers the body\'s bytes as they came, not a decoding of them', () => {
    const raw = Buffer.from([0x74, 0x65, 0x78, 0x74, 0x3d, 0xff, 0xfe]);
    const timestamp = String(NOW / 1000);
    const hash = createHmac('sha256', SECRET).update(`v0:${timestamp}:`).update(raw).digest('hex');
    expect(signatureProblem(SECRET, { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${hash}` }, raw, NOW)).toBeUndefined();
  });
});

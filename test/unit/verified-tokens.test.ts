import { describe, expect, it } from 'vitest';
import { VerifiedTokens } from '../../src/chat/teams/verified-tokens.ts';

describe('VerifiedTokens', () => {
  it('gives the claims of a validated token until its expiry, and nothing after it', () => {
    let now = Date.UTC(2026, 11, 8, 9, 0, 0);
    const tokens = new VerifiedTokens(() => now);
    const claims = { aud: 'app', serviceurl: 'https://smba.trafficmanager.net/emea/', exp: now / 1000 + 60 };
    tokens.add('token-a', claims);
    expect(tokens.claimsOf('token-a')).toBe(claims);
    expect(tokens.claimsOf('token-b')).toBeUndefined();
    now += 59_999;
    expect(tokens.claimsOf('token-a')).toBe(claims);
    now += 1;
    expect(tokens.claimsOf('token-a')).toBeUndefined();
  });

  it('keeps no token without an expiry or already expired', () => {
    const now = Date.UTC(2026, 11, 8, 9, 0, 0);
    const tokens = new VerifiedTokens(() => now);
    tokens.add('anonymous', { name: 'anonymous' });
    tokens.add('stale', { exp: now / 1000 - 1 });
    expect(tokens.claimsOf('anonymous')).toBeUndefined();
    expect(tokens.claimsOf('stale')).toBeUndefined();
  });

  it('holds at most a thousand, dropping the oldest', () => {
    const now = Date.UTC(2026, 11, 8, 9, 0, 0);
    const tokens = new VerifiedTokens(() => now);
    for (let n = 0; n <= 1_000; n++) tokens.add(`token-${n}`, { exp: now / 1000 + 3600, n });
    expect(tokens.claimsOf('token-0')).toBeUndefined();
    expect(tokens.claimsOf('token-1')).toEqual({ exp: now / 1000 + 3600, n: 1 });
    expect(tokens.claimsOf('token-1000')).toEqual({ exp: now / 1000 + 3600, n: 1000 });
  });
});

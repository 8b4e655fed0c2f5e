import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../src/integrations/registry/www-authenticate.ts';

describe('parseWwwAuthenticate', () => {
  it('reads a ghcr.io bearer challenge', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:nmshd/connector:pull"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:nmshd/connector:pull' } },
    ]);
  });

  it('keeps commas inside quoted values and accepts spaces around separators', () => {
    expect(parseWwwAuthenticate('Bearer realm = "https://auth.docker.io/token" , scope="repository:a/b:pull,push"')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', scope: 'repository:a/b:pull,push' } },
    ]);
  });

  it('reads a basic challenge', () => {
    expect(parseWwwAuthenticate('Basic realm="Registry Realm"')).toEqual([{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  });

  it('reads several challenges in one header', () => {
    const challenges = parseWwwAuthenticate('Basic realm="harbor", Bearer realm="https://h.example/service/token",service="harbor-registry"');
    expect(challenges.map((c) => c.scheme)).toEqual(['basic', 'bearer']);
    expect(challenges[1]?.params.service).toBe('harbor-registry');
  });

  it('reads unquoted values, escaped quotes and lowercases names and schemes', () => {
    expect(parseWwwAuthenticate('BEARER Realm=https://x/token, Error="say \\"no\\""')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://x/token', error: 'say "no"' } },
    ]);
  });

  it('skips a token68 challenge and reads the next one', () => {
    expect(parseWwwAuthenticate('Negotiate abc==, Basic realm="r"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
  });

  it('returns what it understood from malformed input, never throws', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: {} }]);
  });
});

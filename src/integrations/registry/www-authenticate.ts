/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1), e.g. `Bearer realm="…",service="…",scope="…"`. */
export interface AuthChallenge {
  /** Lowercase: `bearer`, `basic`, … */
  scheme: string;
  /** Parameter names lowercased; values unquoted. */
  params: Record<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y;
/** Unquoted values: lenient, since registries send `realm=https://…` unquoted although `:` and `/` are not token characters. */
const BARE_VALUE = /[^\s,"]*/y;

/**
 * Parses all challenges of a header value. A header may hold several challenges
 * (`Bearer realm="…", Basic realm="…"`), and quoted values may contain commas (`scope="a:b:pull,push"`).
 * Malformed trailing input ends the parse; what was understood so far is returned.
 */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let pos = 0;

  const skip = (chars: RegExp): void => {
    while (pos < header.length && chars.test(header.charAt(pos))) pos++;
  };
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = pos;
    const found = pattern.exec(header);
    if (!found) return undefined;
    pos = pattern.lastIndex;
    return found[0];
  };
  const quoted = (): string | undefined => {
    if (header.charAt(pos) !== '"') return undefined;
    let value = '';
    for (pos++; pos < header.length; pos++) {
      const char = header.charAt(pos);
      if (char === '"') {
        pos++;
        return value;
      }
      if (char === '\\') pos++;
      value += header.charAt(pos);
    }
    return undefined; // unterminated
  };
  /** Whether an auth-param (`name=`) starts at pos, as opposed to the next challenge's scheme. */
  const paramAhead = (): boolean => {
    const start = pos;
    const name = match(TOKEN);
    skip(/[ \t]/);
    // `abc==` is a token68, not a parameter.
    const isParam = name !== undefined && header.charAt(pos) === '=' && header.charAt(pos + 1) !== '=';
    pos = start;
    return isParam;
  };

  while (pos < header.length) {
    skip(/[\s,]/);
    const scheme = match(TOKEN);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/[ \t]/);

    if (!paramAhead()) {
      match(TOKEN68); // `Negotiate abc==` carries a token68, not parameters: nothing we use
      continue;
    }
    while (pos < header.length && paramAhead()) {
      const name = match(TOKEN)!.toLowerCase();
      skip(/[ \t]/);
      pos++; // '='
      skip(/[ \t]/);
      const value = header.charAt(pos) === '"' ? quoted() : match(BARE_VALUE);
      if (value === undefined) return challenges;
      challenge.params[name] = value;
      skip(/[ \t]/);
      if (header.charAt(pos) !== ',') break;
      pos++;
      skip(/[ \t]/);
    }
  }
  return challenges;
}

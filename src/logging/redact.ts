/**
 * One redaction for everything the bot writes: its logs and every message it posts to chat.
 * Pattern rules catch secrets by their shape; configured secret values are masked wherever they appear.
 */

export const MASK = '***';

// scheme://userinfo@ — greedy up to the last "@" before the path, as URL parsers read it, so a password
// holding an unencoded "@" (or an e-mail user name) is masked whole; stops at white space and quotes,
// so a connection string with several hosts and a URL inside a sentence are handled as well.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#'"<>]+)@/gi;

function maskUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // A user name without a password is often a token itself (https://<token>@host).
  return colon < 0 ? `${scheme}${MASK}@` : `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
}

/** Masks the credentials of every URL in a text: `mongodb://ops:secret@db` → `mongodb://ops:***@db`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, maskUserinfo);
}

// One value meant as an address may lack its scheme or slashes (`admin:secret@host:8080`, `http:/u:p@h`),
// which the URL rule needs: here everything before the value's first "@" (and no "/") is credentials.
const LEADING_USERINFO = /^(\s*(?:[a-z][a-z0-9+.-]*:\/*)?)([^\s/?#'"<>]+)@/i;

/** One value meant as an address (a configuration value), redacted: as `redact`, and its credentials also without a scheme. */
export function redactAddress(value: string): string {
  return redact(value).replace(LEADING_USERINFO, maskUserinfo);
}

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const RULES: Rule[] = [
  // Slack tokens: bot, user, app-level, refresh, config, legacy workspace tokens.
  { pattern: /\bxox[abposre]-[A-Za-z0-9-]{8,}/g, replace: () => MASK },
  { pattern: /\bxapp-\d-[A-Za-z0-9-]{8,}/g, replace: () => MASK },
  // Slack signing secrets and webhook URLs.
  { pattern: /https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+/g, replace: (_m, kind) => `https://hooks.slack.com/${kind}/${MASK}` },
  // JSON Web Tokens (Teams/Bot Framework bearer tokens, registry tokens): header.payload.signature.
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: () => MASK },
  // Authorization headers: Bearer / Basic / token schemes.
  // The credential must hold a digit, so that "Token expired" or "Basic authentication" stay as they are.
  { pattern: /\b(Bearer|Basic|Token)\s+(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{6,}/gi, replace: (_m, scheme) => `${scheme} ${MASK}` },
  // user:password@ in any URL or connection string (mongodb://, amqp://, redis://, https://, mongodb+srv://).
  // As URL parsers do, the last @ before the path ends the credentials: an unescaped @ in the password
  // (or in an e-mail user name) must not leave the rest of the password visible.
  { pattern: URL_USERINFO, replace: maskUserinfo },
  // key=value and "key": "value" pairs whose key names a secret.
  {
    pattern:
      /((?:["']?)(?:x-api-key|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|password|passwd|pwd|token|authorization|signing[_-]?secret|app[_-]?password)(?:["']?)\s*[:=]\s*["']?(?:(?:Bearer|Basic|Token)\s+)?)([^\s"'&,;}]{3,})/gi,
    replace: (_m, prefix, value) => (value === MASK ? `${prefix}${value}` : `${prefix}${MASK}`),
  },
  // Private keys in PEM form.
  {
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replace: () => `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
];

/**
 * The same texts come back again and again (help, usage, check titles, the labels of every answer): their
 * redactions are kept, so fifty answers at once do not run every rule over the same strings fifty times.
 */
const RECENT_ENTRIES = 512;
const RECENT_MAX_CHARS = 2048;

export class Redactor {
  private readonly secrets: string[];
  private readonly recent = new Map<string, string>();

  /** @param secrets configured secret values (API keys, tokens, passwords) masked wherever they appear */
  constructor(secrets: Iterable<string | undefined> = []) {
    // Longest first, so a secret that contains another is masked whole. Very short values would mask
    // ordinary words, so they are left to the pattern rules.
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
    const known = this.recent.get(text);
    if (known !== undefined) return known;
    const out = this.redactAnew(text);
    if (text.length <= RECENT_MAX_CHARS) {
      // The oldest entry goes first: a Map keeps insertion order.
      if (this.recent.size >= RECENT_ENTRIES) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(text, out);
    }
    return out;
  }

  private redactAnew(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
    }
    for (const rule of RULES) {
      out = out.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
    }
    return out;
  }

  /** Redacts every string inside a JSON-like value, returning a copy; `then` finishes each redacted string (the logger makes it inert). */
  redactDeep<T>(value: T, then: (text: string) => string = (text) => text): T {
    return this.walk(value, new WeakSet(), (text) => then(this.redact(text))) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>, shown: (text: string) => string): unknown {
    if (typeof value === 'string') return shown(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => this.walk(item, seen, shown));
      // Dates, URLs, Buffers: shown as JSON.stringify shows them, not as empty objects.
      if (!(value instanceof Error) && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return this.walk((value as { toJSON: () => unknown }).toJSON(), seen, shown);
      }
      const out: Record<string, unknown> = {};
      if (value instanceof Error) {
        out.type = value.name;
        out.message = shown(value.message);
        if (value.stack) out.stack = shown(value.stack);
        // The cause is often the only useful part ("fetch failed" caused by ECONNREFUSED).
        if (value.cause !== undefined) out.cause = this.walk(value.cause, seen, shown);
      }
      for (const [key, item] of Object.entries(value)) {
        out[key] = SECRET_KEY.test(key) && typeof item === 'string' && item.length > 0 ? MASK : this.walk(item, seen, shown);
      }
      return out;
    } finally {
      // Only the objects on the current path make a cycle; one shared by two branches is shown in both.
      seen.delete(value);
    }
  }
}

const SECRET_KEY = /^(x-api-key|api[_-]?key|apikey|password|passwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|authorization|cookie|signing[_-]?secret|app[_-]?password|connectionstring|connection[_-]?string)$/i;

/** Redaction with pattern rules only, for code that has no configured secrets at hand. */
export const defaultRedactor = new Redactor();

export function redact(text: string): string {
  return defaultRedactor.redact(text);
}

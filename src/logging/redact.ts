/**
 * One redaction for everything the bot writes: its logs and every message it posts to chat.
 * Pattern rules catch secrets by their shape; configured secret values are masked wherever they appear.
 */

export const MASK = '***';

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
  { pattern: /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{6,}/gi, replace: (_m, scheme) => `${scheme} ${MASK}` },
  // user:password@ in any URL or connection string (mongodb://, amqp://, redis://, https://, mongodb+srv://).
  {
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@'"]*):([^\s@'"]+)@/gi,
    replace: (_m, scheme, user) => `${scheme}${user}:${MASK}@`,
  },
  // redis://:password@host
  // key=value and "key": "value" pairs whose key names a secret.
  {
    pattern:
      /((?:["']?)(?:x-api-key|api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|password|passwd|pwd|token|authorization|signing[_-]?secret|app[_-]?password)(?:["']?)\s*[:=]\s*["']?)([^\s"'&,;}]{3,})/gi,
    replace: (_m, prefix, value) => (value === MASK ? `${prefix}${value}` : `${prefix}${MASK}`),
  },
  // Private keys in PEM form.
  {
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    replace: () => `-----BEGIN PRIVATE KEY-----${MASK}-----END PRIVATE KEY-----`,
  },
];

export class Redactor {
  private readonly secrets: string[];

  /** @param secrets configured secret values (API keys, tokens, passwords) masked wherever they appear */
  constructor(secrets: Iterable<string | undefined> = []) {
    // Longest first, so a secret that contains another is masked whole. Very short values would mask
    // ordinary words, so they are left to the pattern rules.
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  redact(text: string): string {
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

  /** Redacts every string inside a JSON-like value, returning a copy. */
  redactDeep<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item, seen));
    if (value instanceof Error) {
      return { type: value.name, message: this.redact(value.message), stack: value.stack ? this.redact(value.stack) : undefined };
    }
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && typeof item === 'string' && item.length > 0 ? MASK : this.walk(item, seen);
    }
    return out;
  }
}

const SECRET_KEY = /^(x-api-key|api[_-]?key|apikey|password|passwd|secret|client[_-]?secret|token|access[_-]?token|refresh[_-]?token|authorization|cookie|signing[_-]?secret|app[_-]?password|connectionstring|connection[_-]?string)$/i;

/** Redaction with pattern rules only, for code that has no configured secrets at hand. */
export const defaultRedactor = new Redactor();

export function redact(text: string): string {
  return defaultRedactor.redact(text);
}

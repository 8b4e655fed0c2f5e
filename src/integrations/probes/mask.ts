import { MASK, redact } from '../../logging/redact.ts';

// scheme://userinfo@ — greedy up to the last "@" before the path, so a password holding an unencoded "@" is masked whole.
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i;

/**
 * Masks the credentials of a URL or connection string for display: `amqp://user:***@host`.
 * A user name without a password is often a token itself (`https://<token>@host`), so it is masked too.
 * Works on strings that are not valid URLs, since a broken configuration value must be shown safely as well.
 */
export function maskUrlCredentials(url: string): string {
  return url.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    if (colon < 0) return `${scheme}${MASK}@`;
    return `${scheme}${userinfo.slice(0, colon)}:${MASK}@`;
  });
}

/** A URL fit to show in a report: credentials masked, then the project-wide redaction (secret query parameters, tokens). */
export function displayUrl(url: string): string {
  return redact(maskUrlCredentials(url));
}

export interface UrlCredentials {
  username?: string;
  password?: string;
  /** The Connector (or an operator) replaced a credential with "***": it cannot be used to log in. */
  redacted: boolean;
}

export function urlCredentials(url: URL): UrlCredentials {
  const username = url.username ? safeDecode(url.username) : undefined;
  const password = url.password ? safeDecode(url.password) : undefined;
  const redacted = [username, password].some((value) => value?.includes(MASK) ?? false);
  return { username, password, redacted };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

import { MASK, redact } from '../../logging/redact.ts';

/** A URL fit to show in a report: credentials, secret query parameters and tokens masked. */
export function displayUrl(url: string): string {
  return redact(url);
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

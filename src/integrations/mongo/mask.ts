// Matches the user-info part of any URL in a text, e.g. mongodb://user:secret@host or amqp://token@host.
// Runs to the last '@' before the path, so an unencoded '@' in a password is hidden too; stops at
// whitespace, quotes and '/', so a connection string with several hosts is handled as well.
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s/'"<>]+)@/gi;

/**
 * Hides credentials in URLs within a text: `mongodb://ops:secret@db:27017` becomes
 * `mongodb://ops:***@db:27017`; user-info without a password (often a token) becomes `***`.
 * Local to the database check until the project-wide redactor takes over.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
  });
}

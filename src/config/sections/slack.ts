import type { Config } from '../config.ts';
import { SETTINGS } from '../settings.ts';
import type { Sources } from '../sources.ts';

/**
 * The Slack adapter's settings, when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN (the default
 * behind a firewall), HTTP mode with SLACK_SIGNING_SECRET. An app token selects Socket Mode even when the
 * signing secret is set too: Slack's own quick start exports both, and Socket Mode signs nothing, so the
 * secret is merely unused (the adapter says so). Missing settings are named.
 */
export function readSlack(sources: Sources): Config['slack'] {
  const botToken = sources.read(SETTINGS.SLACK_BOT_TOKEN);
  const appToken = sources.read(SETTINGS.SLACK_APP_TOKEN);
  const signingSecret = sources.read(SETTINGS.SLACK_SIGNING_SECRET);
  const rawUrl = sources.read(SETTINGS.SLACK_API_URL);
  const reportsInChannel = sources.read(SETTINGS.SLACK_REPORTS_IN_CHANNEL);
  if (!botToken) {
    const orphans = [appToken && 'SLACK_APP_TOKEN', signingSecret && 'SLACK_SIGNING_SECRET'].filter(Boolean);
    if (orphans.length > 0) sources.problems.push(`${orphans.join(' and ')} ${orphans.length > 1 ? 'are' : 'is'} set, but SLACK_BOT_TOKEN is not; set it too (xoxb-…), or unset ${orphans.join(' and ')}`);
    return undefined;
  }
  if (!appToken && !signingSecret) {
    sources.problems.push('SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode, /slack/events)');
    return undefined;
  }
  const apiUrl = rawUrl.endsWith('/') ? rawUrl : `${rawUrl}/`;
  return appToken
    ? { botToken, apiUrl, reportsInChannel, mode: 'socket', appToken, ...(signingSecret && { signingSecretUnused: true }) }
    : { botToken, apiUrl, reportsInChannel, mode: 'http', signingSecret: signingSecret! };
}

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configProblems } from '../support/builders.ts';

const BOT = 'xoxb-1111-2222-abcdefghijkl';
const APP = 'xapp-1-A0123-4444-abcdefghijkl';

const problems = configProblems;

describe('Slack settings', () => {
  it('Socket Mode with an app token, HTTP mode with a signing secret; the tokens are secrets', () => {
    const socket = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP });
    expect(socket.slack).toEqual({ botToken: BOT, appToken: APP, mode: 'socket', apiUrl: 'https://slack.com/api/', reportsInChannel: true });
    expect(socket.secrets).toEqual(expect.arrayContaining([BOT, APP]));
    const http = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 's3cr3t-signing', SLACK_API_URL: 'http://127.0.0.1:9999/api' });
    expect(http.slack).toMatchObject({ mode: 'http', signingSecret: 's3cr3t-signing', apiUrl: 'http://127.0.0.1:9999/api/' });
    expect(loadConfig({}).slack).toBeUndefined();
  });

  it("an app token selects Socket Mode also when the signing secret is set (Slack's quick start exports both): the secret is unused", () => {
    const both = loadConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_SIGNING_SECRET: 's3cr3t-signing' });
    expect(both.slack).toEqual({ botToken: BOT, appToken: APP, mode: 'socket', apiUrl: 'https://slack.com/api/', reportsInChannel: true, signingSecretUnused: true });
    // Still a secret: masked wherever it appears, though the bot does not use it.
    expect(both.secrets).toContain('s3cr3t-signing');
  });

  it('missing or contradictory settings stop the start, naming them', () => {
    expect(problems({ SLACK_BOT_TOKEN: BOT })).toEqual(['SLACK_BOT_TOKEN is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode, /slack/events)']);
    expect(problems({ SLACK_APP_TOKEN: APP })[0]).toMatch(/SLACK_APP_TOKEN is set, but SLACK_BOT_TOKEN is not/);
    const swapped = problems({ SLACK_BOT_TOKEN: APP, SLACK_APP_TOKEN: BOT });
    expect(swapped.join('\n')).toMatch(/SLACK_BOT_TOKEN must be a Slack token starting with xoxb-/);
    expect(swapped.join('\n')).not.toContain(APP);
  });
});

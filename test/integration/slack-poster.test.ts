import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackPoster } from '../../src/chat/slack/slack-poster.ts';
import { silentLogger } from '../support/builders.ts';
import { SlackStandin } from '../support/slack/index.ts';

/** Posting to Slack, with the real Web API client against the loopback Slack: rate limits per channel, failures retried, nothing twice. */
describe('SlackPoster', () => {
  let standin: SlackStandin;
  let poster: SlackPoster;
  beforeAll(async () => {
    standin = await SlackStandin.start();
    standin.workspace.channels.push({ id: 'C0QUIET001', name: 'quiet' });
    poster = new SlackPoster(new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true }), silentLogger());
  });
  afterAll(async () => standin?.stop());

  it('a 429 in one channel is waited out there (Retry-After), while another channel goes on at once', async () => {
    standin.fault('chat.postMessage', { status: 429, retryAfter: 2 });
    const from = standin.calls.length;
    const busy = poster.call('C0OPS00001', 'chat.postMessage', { channel: 'C0OPS00001', text: 'after the limit' });
    const quiet = poster.call('C0QUIET001', 'chat.postMessage', { channel: 'C0QUIET001', text: 'at once' });
    await Promise.all([busy, quiet]);
    // The busy channel's retry comes once Retry-After (2 s) has passed; the quiet channel's post did not wait for it.
    const calls = standin.calls.slice(from);
    const busyCalls = calls.filter((call) => call.params.channel === 'C0OPS00001');
    expect(busyCalls.map((call) => call.status)).toEqual([429, 200]);
    expect(busyCalls[1]!.time - busyCalls[0]!.time).toBeGreaterThanOrEqual(2_000);
    expect(calls.findIndex((call) => call.params.channel === 'C0QUIET001')).toBeLessThan(calls.indexOf(busyCalls[1]!));
    expect(standin.messagesIn('C0OPS00001').filter((m) => m.text === 'after the limit')).toHaveLength(1);
    expect(standin.messagesIn('C0QUIET001').filter((m) => m.text === 'at once')).toHaveLength(1);
  });

  it('a 5xx is retried with backoff; the post arrives once, and in order with the next one', async () => {
    standin.fault('chat.postMessage', { status: 500 }, { status: 503 });
    const first = poster.call('C0QUIET001', 'chat.postMessage', { channel: 'C0QUIET001', text: 'first' });
    const second = poster.call('C0QUIET001', 'chat.postMessage', { channel: 'C0QUIET001', text: 'second' });
    await Promise.all([first, second]);
    const texts = standin.messagesIn('C0QUIET001').map((m) => m.text);
    expect(texts.filter((t) => t === 'first')).toHaveLength(1);
    expect(texts.indexOf('first')).toBeLessThan(texts.indexOf('second'));
  }, 20_000);

  it("Slack's own refusal is not retried: it reaches the caller at once", async () => {
    const calls = standin.callsOf('chat.postMessage').length;
    await expect(poster.call('C0NOSUCH01', 'chat.postMessage', { channel: 'C0NOSUCH01', text: 'x' })).rejects.toMatchObject({ data: { error: 'channel_not_found' } });
    expect(standin.callsOf('chat.postMessage').length).toBe(calls + 1);
  });
});

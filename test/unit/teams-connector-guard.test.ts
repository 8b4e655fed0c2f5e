import { Activity } from '@microsoft/agents-activity';
import { ConnectorClient, HttpError } from '@microsoft/agents-hosting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardConnectorClient } from '../../src/chat/teams/connector-guard.ts';
import { BotConnector } from '../support/teams/bot-connector.ts';

const CONVERSATION = '19:ops-channel@thread.tacv2';
const message = () => Activity.fromObject({ type: 'message', text: 'hello' });

describe('every call of a connector client is guarded (the SDK’s HTTP client has no timeout and no retries)', () => {
  let connector: BotConnector;
  beforeAll(async () => {
    connector = await BotConnector.start();
  });
  afterAll(async () => {
    await connector?.close();
  });

  const client = (attempts: number) => guardConnectorClient(ConnectorClient.createClientWithToken(connector.serviceUrl, ''), { timeoutMs: 300, attempts, maxRetryAfterMs: 2_000 });

  it('a Bot Connector that never answers: the call fails with a timeout', async () => {
    connector.fault({ silence: true });
    await expect(client(3).sendToConversation(CONVERSATION, message())).rejects.toMatchObject({ name: 'TimeoutError' });
    // A timeout is not tried again: the message may have been posted.
    expect(connector.calls).toHaveLength(1);
  });

  it('a 429 is tried again after the Retry-After Teams names; a 503 is not', async () => {
    const before = connector.calls.length;
    connector.fault({ status: 429, headers: { 'retry-after': '0' } });
    await expect(client(2).sendToConversation(CONVERSATION, message())).resolves.toMatchObject({ id: expect.stringMatching(/^posted-/) });
    expect(connector.calls.length - before).toBe(2);
    connector.fault({ status: 503 });
    await expect(client(3).sendToConversation(CONVERSATION, message())).rejects.toBeInstanceOf(HttpError);
    expect(connector.calls.length - before).toBe(3);
  });

  it('a Retry-After longer than the caller waits fails at once, for the caller to decide', async () => {
    const before = connector.calls.length;
    connector.fault({ status: 429, headers: { 'retry-after': '30' } });
    await expect(client(3).sendToConversation(CONVERSATION, message())).rejects.toMatchObject({ status: 429 });
    expect(connector.calls.length - before).toBe(1);
  });
});

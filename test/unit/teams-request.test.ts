import { Activity } from '@microsoft/agents-activity';
import { describe, expect, it } from 'vitest';
import { serviceUrlVouched } from '../../src/chat/teams/messages-route.ts';
import { commandText, conversationOf, teamsRequest } from '../../src/chat/teams/teams-request.ts';
import { parseCommand } from '../../src/domain/command.ts';
import { ADA, channelMessage, groupChatMessage, OPS_CHANNEL, personalMessage } from '../support/teams/activities.ts';

const URL = 'https://smba.trafficmanager.net/emea/';
const activity = (shape: object) => Activity.fromObject(shape);

describe('a Teams message as a request', () => {
  it.each([
    ['personal chat', personalMessage(URL, 'connector health main'), 'connector health main'],
    ['channel, mention first', channelMessage(URL, 'connector health'), 'connector health'],
    ['group chat, words before the mention', groupChatMessage(URL, 'hey', '/connector health main'), '/connector health main'],
    ['a leading / before a verb', personalMessage(URL, '/status --details'), 'status --details'],
    ['non-breaking and double spaces', personalMessage(URL, 'connector\u00a0 logs&nbsp;main'), 'connector logs main'],
    ['a connector named like the command', personalMessage(URL, 'health connector'), 'health connector'],
  ])('%s', (_case, shape, expected) => {
    expect(commandText(activity(shape))).toBe(expected);
  });

  it('the bot mentioned mid-text leaves one command the parser takes, as Slack and the console give it', () => {
    const parsed = parseCommand(commandText(activity(groupChatMessage(URL, 'please', 'connector  restart main --reason "disk"'))));
    expect(parsed).toMatchObject({ ok: true, command: { verb: 'restart', connector: 'main' } });
  });

  it('only the bot’s own mention is removed, found by its entity, not by its name (users can rename the app)', () => {
    const bot = channelMessage(URL, '').recipient;
    const renamed = { ...channelMessage(URL, ''), text: '<at>Ops Bot</at> health', entities: [{ type: 'mention', mentioned: bot, text: '<at>Ops Bot</at>' }] };
    expect(commandText(activity(renamed))).toBe('health');
    const someoneElse = { ...renamed, entities: [{ type: 'mention', mentioned: { id: '29:grace' }, text: '<at>Ops Bot</at>' }] };
    expect(commandText(activity(someoneElse))).toBe('<at>Ops Bot</at> health');
  });

  it('the person is their Entra object id; a channel thread is the channel, with the thread beside it', () => {
    const request = teamsRequest(activity(channelMessage(URL, 'connector help')), 'connector help');
    expect(request.actor).toEqual({ platform: 'teams', id: ADA.aadObjectId, displayName: ADA.name });
    expect(request.conversation).toMatchObject({ platform: 'teams', id: OPS_CHANNEL, private: false });
    expect(request.conversation.threadId).toMatch(/^1700000/);
    expect(conversationOf(activity(personalMessage(URL, 'x')))).toMatchObject({ private: true });
  });
});

describe('the service URL a token vouches for', () => {
  it('is the whole URL: scheme and host without case, a default port the same as none', () => {
    expect(serviceUrlVouched({ serviceurl: 'https://SMBA.trafficmanager.net:443/emea/' }, URL)).toBe(true);
    expect(serviceUrlVouched({ serviceurl: 'https://smba.trafficmanager.net/amer/' }, URL)).toBe(false);
    expect(serviceUrlVouched({ serviceurl: 'https://smba.trafficmanager.net:8443/emea/' }, URL)).toBe(false);
    expect(serviceUrlVouched({}, URL)).toBe(false);
    expect(serviceUrlVouched(undefined, URL)).toBe(false);
    expect(serviceUrlVouched({ serviceurl: URL }, undefined)).toBe(false);
    expect(serviceUrlVouched({ serviceurl: 'not a url' }, 'not a url')).toBe(false);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SLASH_COMMAND_MATCHER, SLASH_COMMANDS } from '../../src/chat/slack/slash-commands.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SLACK_SOURCES = join(ROOT, 'src/chat/slack');

interface Manifest {
  features: { slash_commands: Array<{ command: string }> };
  oauth_config: { scopes: { bot: string[] } };
}

/**
 * The bot scopes each Web API method needs (api.slack.com/methods/<method>); `chat:write.public` lets
 * chat.postMessage reach public channels the bot has not joined. A method missing here fails the test below,
 * so that a new call brings its scope into the manifest.
 */
const SCOPES_OF_METHOD: Record<string, readonly string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'views.publish': [],
};

/** The Web API methods the Slack adapter calls: by name through the poster or apiCall, or as the client's methods. */
function methodsCalled(): string[] {
  const methods = new Set<string>();
  for (const file of readdirSync(SLACK_SOURCES).filter((name) => name.endsWith('.ts'))) {
    const source = readFileSync(join(SLACK_SOURCES, file), 'utf8');
    for (const match of source.matchAll(/(?:\.apiCall\(|\.call(?:<[^>]*>)?\([^,()]+,\s*)'([a-z]+(?:\.[A-Za-z]+)+)'/g)) methods.add(match[1]!);
    for (const match of source.matchAll(/\bclient\.([a-z]+)\.([A-Za-z]+)\(/g)) methods.add(`${match[1]}.${match[2]}`);
  }
  return [...methods].sort();
}

describe('the Slack manifest and the code', () => {
  const manifest = parse(readFileSync(join(ROOT, 'manifests/slack/manifest.yml'), 'utf8')) as Manifest;

  it('declares every slash command the adapter answers, and the adapter answers every one declared', () => {
    const declared = manifest.features.slash_commands.map((command) => command.command).sort();
    expect(declared).toEqual([...SLASH_COMMANDS].sort());
    for (const command of declared) expect(SLASH_COMMAND_MATCHER.test(command), command).toBe(true);
    for (const other of ['/connectors', '/connector-op', '/ops', 'connector']) expect(SLASH_COMMAND_MATCHER.test(other), other).toBe(false);
  });

  it('asks for the scopes of the Web API methods the code calls, and no more', () => {
    const methods = methodsCalled();
    expect(methods).toContain('chat.postMessage');
    expect(methods.filter((method) => !(method in SCOPES_OF_METHOD))).toEqual([]);
    const needed = new Set(['commands', ...methods.flatMap((method) => SCOPES_OF_METHOD[method] ?? [])]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});

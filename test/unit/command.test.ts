import { describe, expect, it } from 'vitest';
import { parseCommand, type Command, type ParseResult } from '../../src/domain/command.ts';
import { VERBS } from '../../src/domain/verbs.ts';

function ok(input: string): Command {
  const result = parseCommand(input);
  if (!result.ok) throw new Error(`"${input}" did not parse: ${result.problem}`);
  return result.command;
}

function problem(input: string): Extract<ParseResult, { ok: false }> {
  const result = parseCommand(input);
  if (result.ok) throw new Error(`"${input}" parsed as ${JSON.stringify(result.command)}`);
  return result;
}

const ALL_VERBS = VERBS.map((v) => v.verb).join(', ');

describe('parseCommand', () => {
  it('accepts the text with or without /connector, in any case', () => {
    const expected: Command = { verb: 'health', details: false };
    expect(ok('/connector health')).toEqual(expected);
    expect(ok('connector health')).toEqual(expected);
    expect(ok('health')).toEqual(expected);
    expect(ok('  /Connector   HEALTH  ')).toEqual(expected);
    expect(ok('/connector-ops health')).toEqual(expected);
  });

  it('answers empty input, or /connector alone, with help', () => {
    expect(ok('')).toEqual({ verb: 'help', details: false });
    expect(ok('   ')).toEqual({ verb: 'help', details: false });
    expect(ok('/connector')).toEqual({ verb: 'help', details: false });
  });

  it.each(VERBS.map((v) => v.verb))('knows the verb %s', (verb) => {
    const needs: Record<string, string> = { approve: ' r7k2m9', reject: ' r7k2m9', cancel: ' r7k2m9', subscribe: ' reports', unsubscribe: ' alerts', silence: ' main 1h', unsilence: ' s-0a1b2c' };
    expect(ok(`/connector ${verb}${needs[verb] ?? ''}`).verb).toBe(verb);
  });

  it('reads a silence: its target, its duration, and the reason after them; a bad duration is said', () => {
    expect(ok('/connector silence 2fc4ba1c12 24h release night, known issue')).toMatchObject({ verb: 'silence', target: '2fc4ba1c12', durationMs: 86_400_000, reason: 'release night, known issue' });
    expect(ok('/connector silence main 30m')).toMatchObject({ target: 'main', durationMs: 1_800_000 });
    expect(parseCommand('/connector silence main forever')).toMatchObject({ ok: false, problem: '"forever" is not a duration; expected e.g. 30m, 1h, 24h or 7d (at most 30d).' });
    expect(parseCommand('/connector silence main 31d')).toMatchObject({ ok: false });
    expect(parseCommand('/connector silence')).toMatchObject({ ok: false, problem: '"silence" needs an alert id or a connector name (see /connector alerts).' });
    expect(parseCommand('/connector silence main')).toMatchObject({ ok: false, problem: '"silence" needs a duration such as 1h or 24h.' });
    expect(parseCommand('/connector unsilence')).toMatchObject({ ok: false, problem: '"unsilence" needs the id of a silence (see /connector alerts).' });
  });

  it('reads the words of the operation verbs: an update\'s version, a request id, a rejection\'s reason, the flags', () => {
    expect(ok('/connector update main v7.4.7 --major --reason "CVE fix"')).toMatchObject({ verb: 'update', connector: 'main', version: '7.4.7', major: true, reason: 'CVE fix' });
    expect(ok('/connector approve R7K2M9')).toMatchObject({ verb: 'approve', id: 'r7k2m9' });
    expect(ok('/connector reject r7k2m9 not during the release freeze')).toMatchObject({ id: 'r7k2m9', reason: 'not during the release freeze' });
    expect(ok('/connector start main --force')).toMatchObject({ verb: 'start', force: true });
    expect(ok('/connector audit main --limit 5')).toMatchObject({ verb: 'audit', connector: 'main', limit: 5 });
  });

  it('says what a request verb lacks or cannot take', () => {
    expect(problem('/connector approve').problem).toBe('"approve" needs the id of a request (see /connector requests).');
    expect(problem('/connector approve a b').problem).toBe('Too many arguments for "approve": "b".');
    expect(problem('/connector audit --limit 0').problem).toBe('"--limit 0" is not a number of entries; expected 1 to 500.');
    expect(problem('/connector restart main --force').problem).toMatch(/^Unknown option "--force" for "restart"/);
  });

  it('takes a connector positional', () => {
    expect(ok('/connector health main')).toEqual({ verb: 'health', connector: 'main', details: false });
    expect(ok('status "my connector"')).toMatchObject({ connector: 'my connector' });
  });

  it('takes --details before or after the connector', () => {
    expect(ok('/connector status main --details')).toEqual({ verb: 'status', connector: 'main', details: true });
    expect(ok('/connector status --details main')).toEqual({ verb: 'status', connector: 'main', details: true });
    expect(ok('/connector resources --DETAILS')).toEqual({ verb: 'resources', details: true });
  });

  it.each([
    ['30m', 30 * 60_000],
    ['24h', 24 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['30d', 30 * 86_400_000],
    ['1440m', 1440 * 60_000],
  ])('reads logs --since %s', (text, ms) => {
    expect(ok(`/connector logs main --since ${text}`)).toEqual({ verb: 'logs', connector: 'main', details: false, sinceMs: ms });
  });

  it('reads --since=2h', () => {
    expect(ok('/connector logs --since=2h')).toEqual({ verb: 'logs', details: false, sinceMs: 2 * 3_600_000 });
  });

  it.each(['2w', '0h', 'h', '-3h', '1.5h', 'yesterday', '31d'])('refuses --since %s and says what is expected', (text) => {
    const result = problem(`/connector logs --since ${text}`);
    expect(result.problem).toBe(`"--since ${text}" is not a duration; expected e.g. 30m, 24h or 7d (at most 30d).`);
    expect(result.spec?.verb).toBe('logs');
  });

  it('refuses --since without a value', () => {
    expect(problem('/connector logs --since').problem).toBe('"--since" needs a value: <24h|30m|7d>.');
    expect(problem('/connector logs --since --details').problem).toBe('"--since" needs a value: <24h|30m|7d>.');
  });

  it('refuses a value given to a flag', () => {
    expect(problem('/connector health --details=yes').problem).toBe('"--details" takes no value.');
  });

  it('refuses an unknown verb and lists the valid ones', () => {
    const result = problem('/connector bogus');
    expect(result.problem).toBe(`Unknown command "bogus". Valid commands: ${ALL_VERBS}.`);
    expect(result.spec).toBeUndefined();
  });

  it('refuses an unknown option and lists the valid ones of the verb', () => {
    expect(problem('/connector logs --verbose').problem).toBe('Unknown option "--verbose" for "logs". Valid options: --since, --details.');
    expect(problem('/connector health --since 2h').problem).toBe('Unknown option "--since" for "health". Valid options: --details.');
    expect(problem('/connector connectors --details').problem).toBe('Unknown option "--details" for "connectors". "connectors" takes no options.');
  });

  it('refuses too many arguments', () => {
    expect(problem('/connector health main other').problem).toBe('Too many arguments for "health": "other".');
    expect(problem('/connector connectors main').problem).toBe('Too many arguments for "connectors": "main".');
    expect(problem('/connector help health logs').problem).toBe('Too many arguments for "help": "logs".');
  });

  it('reads help <verb>, and refuses help for what is not a verb', () => {
    expect(ok('/connector help logs')).toEqual({ verb: 'help', topic: 'logs', details: false });
    expect(ok('help LOGS')).toEqual({ verb: 'help', topic: 'logs', details: false });
    expect(problem('/connector help bogus').problem).toBe(`No help for "bogus": it is not a command. Valid commands: ${ALL_VERBS}.`);
  });

  it('understands what Slack makes of quotes and double dashes', () => {
    expect(ok('/connector status \u201cmy connector\u201d \u2014details')).toEqual({
      verb: 'status',
      connector: 'my connector',
      details: true,
    });
    expect(ok('/connector logs \u2018main\u2019 \u2014since 30m')).toEqual({ verb: 'logs', connector: 'main', details: false, sinceMs: 1_800_000 });
    expect(ok('/connector logs \u2014since=2h')).toMatchObject({ sinceMs: 7_200_000 });
  });
});

import type { AlertSeverity } from './alert.ts';
import { parseDuration, parseSince } from './duration.ts';
import { quoted } from './inert.ts';
import { findVerb, positionalsOf, VERBS, type CheckVerb, type PositionalSpec, type VerbName, type VerbSpec } from './verbs.ts';

/** Nothing beyond the verb. */
type NoArguments = Record<never, never>;

/** An operation's command: the connector (may be left out when only one is known) and why. */
interface Requested {
  connector?: string;
  reason?: string;
}

/** A check verb's command: the connector (every connector when left out) and, for `logs --since`, milliseconds. */
interface Checked {
  connector?: string;
  sinceMs?: number;
}

/** What each verb's command carries beyond its verb and --details, as parsed from its words and options. */
type Arguments = { [V in CheckVerb]: Checked } & {
  /** `help <verb>`. */
  help: { topic?: string };
  connectors: NoArguments;
  restart: Requested;
  stop: Requested;
  start: Requested & { force?: true };
  /** The version asked for, without a leading v. */
  update: Requested & { version?: string; major?: true };
  backup: Requested;
  cleanup: Requested;
  approve: { id: string };
  /** Why, in the words after the id. */
  reject: { id: string; reason?: string };
  cancel: { id: string };
  requests: NoArguments;
  audit: { connector?: string; limit?: number };
  subscribe: { what: Receivable; min?: AlertSeverity };
  unsubscribe: { what: Receivable };
  subscriptions: NoArguments;
  schedule: NoArguments;
  alerts: NoArguments;
  /** An alert's id or a connector's name, for milliseconds. */
  silence: { target: string; durationMs: number; reason?: string };
  /** A silence's id. */
  unsilence: { id: string };
};

/** What a conversation subscribes to. */
export type Receivable = 'reports' | 'alerts';

/** The command of one verb. */
export type CommandOf<V extends VerbName> = { verb: V; details: boolean } & Arguments[V];

/** A parsed `/connector <verb> [connector] [options]`, typed by its verb: the command of any of the verbs `V`. */
export type Command<V extends VerbName = VerbName> = { [W in V]: CommandOf<W> }[V];

/** The words and options of a command, each checked; which of them a verb takes, its spec says. */
interface Words {
  details: boolean;
  connector?: string;
  topic?: string;
  sinceMs?: number;
  version?: string;
  id?: string;
  reason?: string;
  force?: true;
  major?: true;
  limit?: number;
  what?: Receivable;
  min?: AlertSeverity;
  target?: string;
  durationMs?: number;
}

/** The request a decision (approve, reject, cancel) names; undefined for any other command. */
export function decidedRequestOf(command: Command | undefined): string | undefined {
  switch (command?.verb) {
    case 'approve':
    case 'reject':
    case 'cancel':
      return command.id;
    default:
      return undefined;
  }
}

export type ParseResult = { ok: true; command: Command } | { ok: false; problem: string; spec?: VerbSpec };

const COMMAND_PREFIX = /^\/?connector(-ops)?$/i;

/**
 * Parses what a person typed. Accepts the text with or without the leading `/connector`
 * (Slack sends slash-command text without it; the console and Teams messages carry it).
 */
export function parseCommand(input: string): ParseResult {
  const tokens = tokenize(input);
  if (COMMAND_PREFIX.test(tokens[0] ?? '')) tokens.shift();
  const verbText = tokens.shift()?.toLowerCase();
  if (verbText === undefined) return { ok: true, command: { verb: 'help', details: false } };

  const spec = findVerb(verbText);
  if (!spec) {
    return { ok: false, problem: `Unknown command ${quoted(verbText)}. Valid commands: ${VERBS.map((v) => v.verb).join(', ')}.` };
  }

  const words: Words = { details: false };
  const positionals: string[] = [];
  for (let token = tokens.shift(); token !== undefined; token = tokens.shift()) {
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const [rawName, inlineValue] = splitOption(token);
    const option = spec.options.find((o) => o.name === rawName);
    if (!option) {
      const valid = spec.options.map((o) => `--${o.name}`).join(', ');
      return {
        ok: false,
        spec,
        problem: `Unknown option ${quoted(`--${rawName}`)} for "${spec.verb}". ${valid ? `Valid options: ${valid}.` : `"${spec.verb}" takes no options.`}`,
      };
    }
    if (!option.value) {
      if (inlineValue !== undefined) return { ok: false, spec, problem: `"--${option.name}" takes no value.` };
      if (option.name === 'details') words.details = true;
      if (option.name === 'force') words.force = true;
      if (option.name === 'major') words.major = true;
      continue;
    }
    const value = inlineValue ?? tokens.shift();
    if (value === undefined || value.startsWith('--')) {
      return { ok: false, spec, problem: `"--${option.name}" needs a value: ${option.value}.` };
    }
    if (option.name === 'since') {
      const since = parseSince(value);
      if ('problem' in since) return { ok: false, spec, problem: since.problem };
      words.sinceMs = since.ms;
    }
    if (option.name === 'reason') words.reason = value;
    if (option.name === 'min') {
      if (value !== 'warn' && value !== 'critical') return { ok: false, spec, problem: `${quoted(`--min ${value}`)}: expected warn or critical.` };
      words.min = value;
    }
    if (option.name === 'limit') {
      const limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return { ok: false, spec, problem: `${quoted(`--limit ${value}`)} is not a number of entries; expected 1 to ${MAX_LIMIT}.` };
      }
      words.limit = limit;
    }
  }

  if (spec.verb === 'help') {
    if (positionals.length > 1) return { ok: false, spec, problem: `Too many arguments for "help": ${positionals.slice(1).map(quoted).join(', ')}.` };
    const topic = positionals[0]?.toLowerCase();
    if (topic !== undefined && !findVerb(topic)) {
      return { ok: false, problem: `No help for ${quoted(topic)}: it is not a command. Valid commands: ${VERBS.map((v) => v.verb).join(', ')}.` };
    }
    if (topic) words.topic = topic;
    return { ok: true, command: { verb: spec.verb, ...words } };
  }
  const expected = positionalsOf(spec);
  const rest = expected.find((word) => word.rest);
  if (!rest && positionals.length > expected.length) {
    const extra = positionals.slice(expected.length).map(quoted).join(', ');
    return { ok: false, spec, problem: `Too many arguments for "${spec.verb}": ${extra}.` };
  }
  for (const [index, word] of expected.entries()) {
    const value = word.rest ? positionals.slice(index).join(' ') || undefined : positionals[index];
    if (value === undefined) continue;
    if (word.name === 'connector') words.connector = value;
    if (word.name === 'version') words.version = value.replace(/^v(?=\d)/, '');
    if (word.name === 'id') words.id = value.toLowerCase();
    if (word.name === 'reason') words.reason = value;
    if (word.name === 'target') words.target = value;
    if (word.name === 'duration') {
      const ms = parseDuration(value);
      if (ms === undefined || ms > MAX_SILENCE_MS) return { ok: false, spec, problem: `${quoted(value)} is not a duration; expected e.g. 30m, 1h, 24h or 7d (at most 30d).` };
      words.durationMs = ms;
    }
    if (word.name === 'what') {
      const what = value.toLowerCase();
      if (what !== 'reports' && what !== 'alerts') return { ok: false, spec, problem: `"${spec.verb}" takes reports or alerts, not ${quoted(value)}.` };
      words.what = what;
    }
  }
  return commandOf(spec, words);
}

/** The command of the verb from its words, refusing it when a word it needs was left out. */
function commandOf(spec: VerbSpec, words: Words): ParseResult {
  const { verb } = spec;
  switch (verb) {
    case 'approve':
    case 'reject':
    case 'cancel':
    case 'unsilence':
      return words.id === undefined ? needs(spec, 'id') : { ok: true, command: { verb, ...words, id: words.id } };
    case 'subscribe':
    case 'unsubscribe':
      return words.what === undefined ? needs(spec, 'what') : { ok: true, command: { verb, ...words, what: words.what } };
    case 'silence':
      if (words.target === undefined) return needs(spec, 'target');
      if (words.durationMs === undefined) return needs(spec, 'duration');
      return { ok: true, command: { verb, ...words, target: words.target, durationMs: words.durationMs } };
    default:
      return { ok: true, command: { verb, ...words } };
  }
}

function needs(spec: VerbSpec, word: PositionalSpec['name']): ParseResult {
  return { ok: false, spec, problem: `"${spec.verb}" needs ${MISSING[word]?.(spec.verb) ?? `a ${word}`}.` };
}

const MAX_LIMIT = 500;
/** What a missing word is called, where "a <name>" would not say it. */
const MISSING: Partial<Record<string, (verb: string) => string>> = {
  id: (verb) => (verb === 'unsilence' ? 'the id of a silence (see /connector alerts)' : 'the id of a request (see /connector requests)'),
  target: () => 'an alert id or a connector name (see /connector alerts)',
  duration: () => 'a duration such as 1h or 24h',
};
const MAX_SILENCE_MS = 30 * 86_400_000;

function splitOption(token: string): [string, string | undefined] {
  const body = token.slice(2);
  const eq = body.indexOf('=');
  return eq === -1 ? [body.toLowerCase(), undefined] : [body.slice(0, eq).toLowerCase(), body.slice(eq + 1)];
}

/** Splits on white space, keeping "quoted words" together. Slack may send typographic quotes. */
function tokenize(input: string): string[] {
  const normalised = input.replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'").replace(/\u2014/g, '--');
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of normalised.matchAll(pattern)) tokens.push(match[1] ?? match[2] ?? match[3] ?? '');
  return tokens.filter((t) => t.length > 0);
}

import { parseDuration, parseSince } from './duration.ts';
import { quoted } from './inert.ts';
import { findVerb, positionalsOf, VERBS, type VerbSpec } from './verbs.ts';

/** A parsed `/connector <verb> [connector] [options]`. */
export interface Command {
  verb: string;
  connector?: string;
  /** For `help <verb>`. */
  topic?: string;
  details: boolean;
  /** For `logs --since`: milliseconds. */
  sinceMs?: number;
  /** For `update`: the version asked for. */
  version?: string;
  /** For `approve`, `reject`, `cancel`: the request id. */
  id?: string;
  /** Why, for an operation (`--reason`) or a rejection (the words after the id). */
  reason?: string;
  /** `start --force`. */
  force?: boolean;
  /** `update --major`. */
  major?: boolean;
  /** `audit --limit`. */
  limit?: number;
  /** `subscribe reports|alerts`. */
  what?: string;
  /** `subscribe --min`. */
  min?: 'warn' | 'critical';
  /** `silence <target>`: an alert's id or a connector's name. */
  target?: string;
  /** `silence <target> <duration>`: milliseconds. */
  durationMs?: number;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; problem: string; spec?: VerbSpec };

const COMMAND_PREFIX = /^\/?connector(-ops)?$/i;

/**
 * Parses what a person typed. Accepts the text with or without the leading `/connector`
 * (Slack sends slash-command text without it; the console and Teams messages carry it).
 */
export function parseCommand(input: string): ParseResult {
  const tokens = tokenize(input);
  if (tokens.length > 0 && COMMAND_PREFIX.test(tokens[0]!)) tokens.shift();
  if (tokens.length === 0) return { ok: true, command: { verb: 'help', details: false } };

  const verbText = tokens.shift()!.toLowerCase();
  const spec = findVerb(verbText);
  if (!spec) {
    return { ok: false, problem: `Unknown command ${quoted(verbText)}. Valid commands: ${VERBS.map((v) => v.verb).join(', ')}.` };
  }

  const command: Command = { verb: spec.verb, details: false };
  const positionals: string[] = [];
  while (tokens.length > 0) {
    const token = tokens.shift()!;
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
      if (option.name === 'details') command.details = true;
      if (option.name === 'force') command.force = true;
      if (option.name === 'major') command.major = true;
      continue;
    }
    const value = inlineValue ?? tokens.shift();
    if (value === undefined || value.startsWith('--')) {
      return { ok: false, spec, problem: `"--${option.name}" needs a value: ${option.value}.` };
    }
    if (option.name === 'since') {
      const since = parseSince(value);
      if ('problem' in since) return { ok: false, spec, problem: since.problem };
      command.sinceMs = since.ms;
    }
    if (option.name === 'reason') command.reason = value;
    if (option.name === 'min') {
      if (value !== 'warn' && value !== 'critical') return { ok: false, spec, problem: `${quoted(`--min ${value}`)}: expected warn or critical.` };
      command.min = value;
    }
    if (option.name === 'limit') {
      const limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        return { ok: false, spec, problem: `${quoted(`--limit ${value}`)} is not a number of entries; expected 1 to ${MAX_LIMIT}.` };
      }
      command.limit = limit;
    }
  }

  if (spec.verb === 'help') {
    if (positionals.length > 1) return { ok: false, spec, problem: `Too many arguments for "help": ${positionals.slice(1).map(quoted).join(', ')}.` };
    const topic = positionals[0]?.toLowerCase();
    if (topic !== undefined && !findVerb(topic)) {
      return { ok: false, problem: `No help for ${quoted(topic)}: it is not a command. Valid commands: ${VERBS.map((v) => v.verb).join(', ')}.` };
    }
    if (topic) command.topic = topic;
    return { ok: true, command };
  }
  const words = positionalsOf(spec);
  const rest = words.find((word) => word.rest);
  if (!rest && positionals.length > words.length) {
    const extra = positionals.slice(words.length).map(quoted).join(', ');
    return { ok: false, spec, problem: `Too many arguments for "${spec.verb}": ${extra}.` };
  }
  for (const [index, word] of words.entries()) {
    const value = word.rest ? positionals.slice(index).join(' ') || undefined : positionals[index];
    if (value === undefined) {
      if (word.required) return { ok: false, spec, problem: `"${spec.verb}" needs ${MISSING[word.name]?.(spec.verb) ?? `a ${word.name}`}.` };
      continue;
    }
    if (word.name === 'connector') command.connector = value;
    if (word.name === 'version') command.version = value.replace(/^v(?=\d)/, '');
    if (word.name === 'id') command.id = value.toLowerCase();
    if (word.name === 'reason') command.reason = value;
    if (word.name === 'target') command.target = value;
    if (word.name === 'duration') {
      const ms = parseDuration(value);
      if (ms === undefined || ms > MAX_SILENCE_MS) return { ok: false, spec, problem: `${quoted(value)} is not a duration; expected e.g. 30m, 1h, 24h or 7d (at most 30d).` };
      command.durationMs = ms;
    }
    if (word.name === 'what') {
      const what = value.toLowerCase();
      if (what !== 'reports' && what !== 'alerts') return { ok: false, spec, problem: `"${spec.verb}" takes reports or alerts, not ${quoted(value)}.` };
      command.what = what;
    }
  }
  return { ok: true, command };
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

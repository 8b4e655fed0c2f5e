import { parseSince } from './duration.ts';
import { quoted } from './inert.ts';
import { findVerb, VERBS, type VerbSpec } from './verbs.ts';

/** A parsed `/connector <verb> [connector] [options]`. */
export interface Command {
  verb: string;
  connector?: string;
  /** For `help <verb>`. */
  topic?: string;
  details: boolean;
  /** For `logs --since`: milliseconds. */
  sinceMs?: number;
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
  }

  const allowed = spec.takesConnector || spec.verb === 'help' ? 1 : 0;
  if (positionals.length > allowed) {
    const extra = positionals.slice(allowed).map(quoted).join(', ');
    return { ok: false, spec, problem: `Too many arguments for "${spec.verb}": ${extra}.` };
  }
  if (spec.verb === 'help' && positionals[0]) {
    const topic = positionals[0].toLowerCase();
    if (!findVerb(topic)) {
      return { ok: false, problem: `No help for ${quoted(topic)}: it is not a command. Valid commands: ${VERBS.map((v) => v.verb).join(', ')}.` };
    }
    command.topic = topic;
  } else if (positionals[0]) {
    command.connector = positionals[0];
  }
  return { ok: true, command };
}

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

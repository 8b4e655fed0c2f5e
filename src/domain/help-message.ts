import type { Message } from './message.ts';
import { findVerb, usageOf, VERBS, type VerbSpec } from './verbs.ts';

export function helpMessage(topic?: string): Message {
  const spec = topic ? findVerb(topic) : undefined;
  if (spec) return verbHelp(spec);
  return {
    text: `Commands: ${VERBS.map((v) => v.verb).join(', ')}`,
    blocks: [
      { type: 'header', text: 'connector-ops: operate enmeshed Connectors' },
      { type: 'section', text: 'Usage: /connector <verb> [connector] [options]' },
      { type: 'fields', fields: VERBS.map((v) => ({ label: v.verb, value: v.summary })) },
      {
        type: 'context',
        text: 'Leave out the connector to address every connector. "/connector help <verb>" shows the options of one verb.',
      },
    ],
  };
}

function verbHelp(spec: VerbSpec): Message {
  return {
    text: `Usage: ${usageOf(spec)}`,
    blocks: [
      { type: 'header', text: `/connector ${spec.verb}` },
      { type: 'section', text: spec.summary },
      { type: 'section', text: `Usage: ${usageOf(spec)}` },
      ...(spec.options.length > 0
        ? [
            {
              type: 'fields' as const,
              fields: spec.options.map((o) => ({ label: `--${o.name}${o.value ? ` ${o.value}` : ''}`, value: o.summary })),
            },
          ]
        : []),
    ],
  };
}

/** The answer to input that is not a valid command: what is wrong, and what is expected. */
export function usageMessage(problem: string, spec?: VerbSpec): Message {
  const usage = spec ? `Usage: ${usageOf(spec)}` : 'Type "/connector help" for the list of commands.';
  return {
    text: `${problem} ${usage}`,
    blocks: [
      { type: 'section', text: problem, status: 'warn' },
      { type: 'context', text: usage },
    ],
  };
}

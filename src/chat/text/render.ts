import { inert } from '../../domain/inert.ts';
import type { Block, Button, Message } from '../../domain/message.ts';
import type { CheckStatus } from '../../domain/status.ts';
import { sparklines } from './sparkline.ts';

export interface RenderedText {
  text: string;
  /** The message's buttons, in the order they are numbered in the text. */
  choices: Button[];
}

const BADGE: Record<CheckStatus, string> = {
  ok: '[ ok ]',
  warn: '[WARN]',
  critical: '[CRIT]',
  unknown: '[ ?? ]',
};

/**
 * Renders a neutral message as plain text, for the console and the CLI. Buttons become numbered choices.
 * Control characters in any text (typed input echoed, a Connector's log line) are shown as escapes.
 */
export function renderText(message: Message): RenderedText {
  const lines: string[] = [];
  const choices: Button[] = [];
  for (const block of message.blocks) lines.push(...renderBlock(block, choices));
  return { text: inert(lines.join('\n')), choices };
}

function renderBlock(block: Block, choices: Button[]): string[] {
  switch (block.type) {
    case 'header':
      return [`== ${block.text} ==${block.status ? ` ${BADGE[block.status]}` : ''}`];
    case 'section':
      return [`${block.status ? `${BADGE[block.status]} ` : ''}${block.text}`];
    case 'fields': {
      const width = Math.min(28, Math.max(0, ...block.fields.map((f) => f.label.length)));
      return block.fields.map((f) => {
        const badge = f.status ? `${BADGE[f.status]} ` : '  ';
        const prefix = `  ${badge}${f.label.padEnd(width)}  `;
        // Continuation lines start under the first line's value.
        const value = f.value.replace(/\n/g, `\n${' '.repeat(prefix.length)}`);
        return `${prefix}${value}`;
      });
    }
    case 'actions':
      return block.buttons.map((button) => {
        choices.push(button);
        return `  (${choices.length}) ${button.label}`;
      });
    case 'context':
      return [`  ${block.text}`];
    case 'divider':
      return ['  ----'];
    case 'chart':
      return [`  ${block.chart.title}`, ...sparklines(block.chart).map((line) => `    ${line}`)];
  }
}

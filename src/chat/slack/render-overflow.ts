import { inert } from '../../domain/inert.ts';
import type { Block, Message } from '../../domain/message.ts';
import { renderText } from '../text/render.ts';
import { oneLine } from './mrkdwn.ts';

/** The full message as a text file, for the adapter to upload (files.getUploadURLExternal, completeUploadExternal). */
export interface SlackOverflow {
  filename: string;
  title: string;
  /** Plain text, not mrkdwn: a file shows it as it is. */
  content: string;
}

const MAX_TITLE_CHARS = 100;
const MAX_SLUG_CHARS = 60;

/** Rendered as the console renders it, with the command of every button: a button left out is not lost. */
export function overflowFile(message: Message): SlackOverflow {
  const title = fileTitle(titleOf(message));
  const { text, choices } = renderText(message);
  const commands = choices.map((button, i) => `  (${i + 1}) ${button.command}`);
  const content = commands.length > 0 ? `${text}\n\nCommands of the choices:\n${inert(commands.join('\n'))}\n` : `${text}\n`;
  return { filename: `connector-ops-${slug(title) || 'message'}.txt`, title, content };
}

/** A file's title: one inert line, short enough for Slack to show whole. */
export function fileTitle(text: string): string {
  return cut(oneLine(inert(text)), MAX_TITLE_CHARS) || 'connector-ops';
}

function titleOf(message: Message): string {
  const header = message.blocks.find((block): block is Extract<Block, { type: 'header' }> => block.type === 'header');
  return header?.text.trim() ? header.text : (message.text.split('\n')[0] ?? '');
}

/** `Error logs · main` → `error-logs-main`: ASCII letters and digits only, safe in any file system. */
export function slug(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  return ascii.replace(/[^a-z0-9]+/g, '-').slice(0, MAX_SLUG_CHARS).replace(/^-+|-+$/g, '');
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

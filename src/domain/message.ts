import type { CheckStatus } from './status.ts';

/**
 * A reply built once, platform-neutral, and rendered by each chat adapter
 * (Block Kit for Slack, Adaptive Cards for Teams, plain text for the console and the CLI).
 */
export interface Message {
  /** Plain fallback text: notifications, screen readers, platforms that show no blocks. */
  text: string;
  blocks: Block[];
}

export type Block =
  | { type: 'header'; text: string; status?: CheckStatus }
  | { type: 'section'; text: string; status?: CheckStatus }
  | { type: 'fields'; fields: Field[] }
  | { type: 'actions'; buttons: Button[] }
  | { type: 'context'; text: string }
  | { type: 'divider' }
  | { type: 'chart'; chart: Chart };

export interface Field {
  label: string;
  value: string;
  status?: CheckStatus;
}

/** A line chart of percentages over time, as data: each platform draws it its own way (a PNG where images show, a text sparkline in the console). */
export interface Chart {
  title: string;
  /** ISO times of the horizontal axis's ends. */
  from: string;
  to: string;
  series: ChartSeries[];
}

export interface ChartSeries {
  label: string;
  /** Oldest first; values are percentages (0–100). */
  points: Array<{ at: string; percent: number }>;
}

export interface Button {
  label: string;
  /** The command line that pressing the button runs, e.g. `/connector health main --details`. */
  command: string;
  style?: 'primary' | 'danger';
  /** Asked before the command runs: every button that changes something carries one. */
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function message(text: string, blocks: Block[]): Message {
  return { text, blocks };
}

/** A one-paragraph message, for short answers and errors. */
export function textMessage(text: string, status?: CheckStatus): Message {
  return { text, blocks: [{ type: 'section', text, ...(status ? { status } : {}) }] };
}

/** The message with a line about it first (as a context line): "the original is gone", say. */
export function withNote(message: Message, note: string): Message {
  return { text: `${note} ${message.text}`, blocks: [{ type: 'context', text: note }, ...message.blocks] };
}

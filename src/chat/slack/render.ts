import type { ActionsBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Message } from '../../domain/message.ts';
import { fitEscaped } from './mrkdwn.ts';
import { chartFiles, type SlackChart } from './render-charts.ts';
import { SLACK_LIMITS, type BlockBudget } from './render-limits.ts';
import { overflowFile, type SlackOverflow } from './render-overflow.ts';
import { contextBlock, messageParts, type Part } from './render-parts.ts';

export { COMMAND_ACTION_PREFIX } from './render-parts.ts';
export type { SlackChart } from './render-charts.ts';
export type { SlackOverflow } from './render-overflow.ts';

export interface SlackRenderOptions {
  /** Fewer blocks than Slack's 50 (a larger number is Slack's 50). */
  maxBlocks?: number;
  /** Fewer characters of block text than our 10,000 (a larger number is 10,000). */
  maxBlockText?: number;
}

export interface SlackRendered {
  /** The notification and screen-reader text, escaped like the blocks. */
  text: string;
  blocks: KnownBlock[];
  /** Present when the blocks could not hold everything: the whole message, to attach as a file. */
  overflow?: SlackOverflow;
  /** Present when the message has charts: each to upload as an image beside the message. */
  charts?: SlackChart[];
}

// Room kept for the note that replaces what is left out; longer than any note.
const NOTE_RESERVE_CHARS = 100;
const CAPACITY = { field: SLACK_LIMITS.fields, button: SLACK_LIMITS.actionsElements } as const;

/**
 * Renders a neutral message as Block Kit that Slack accepts by construction: every text escaped and
 * within its limit, at most 50 blocks and 10,000 characters. What does not fit (or was cut) goes whole
 * into `overflow`; the blocks keep the header, the buttons and the first sections, and say how many
 * lines are in the file. Charts go into `charts`, and a context line in the blocks says so.
 */
export function renderSlack(message: Message, options: SlackRenderOptions = {}): SlackRendered {
  const budget: BlockBudget = {
    maxBlocks: clamp(options.maxBlocks, 1, SLACK_LIMITS.blocks),
    maxBlockText: clamp(options.maxBlockText, NOTE_RESERVE_CHARS, SLACK_LIMITS.blockText),
  };
  const text = fitEscaped(message.text.trim() ? message.text : 'connector-ops', SLACK_LIMITS.fallbackText).text;
  const parts = messageParts(message);
  const charts = chartFiles(message);
  const attached = charts.length > 0 ? { charts } : {};
  const everything = select(parts, budget);
  if (everything.every(Boolean) && !parts.some((part) => part.cut)) return { text, blocks: assemble(parts, everything), ...attached };

  const kept = select(parts, { maxBlocks: budget.maxBlocks - 1, maxBlockText: budget.maxBlockText - NOTE_RESERVE_CHARS });
  const lines = parts.reduce((sum, part, i) => sum + (kept[i] ? 0 : part.lines), 0);
  const note = lines > 0 ? `… ${lines} more ${lines === 1 ? 'line' : 'lines'} in the attached file` : 'Some texts are cut short: the full text is in the attached file.';
  return { text, blocks: assemble(parts, kept, contextBlock(note)), overflow: overflowFile(message), ...attached };
}

/** Which parts fit: the first header, then the buttons in order, then the other parts in order, each run until one does not fit. */
function select(parts: readonly Part[], budget: BlockBudget): boolean[] {
  const kept = parts.map(() => false);
  const inGroup = new Map<number, number>();
  let blocks = 0;
  let chars = 0;
  const take = (index: number): boolean => {
    const part = parts[index]!;
    // A field or a button opens a new block only when its group's last one is full.
    const packed = part.kind === 'blocks' ? 0 : (inGroup.get(part.group) ?? 0);
    const cost = part.kind === 'blocks' ? part.blocks.length : packed % CAPACITY[part.kind] === 0 ? 1 : 0;
    if (blocks + cost > budget.maxBlocks || chars + part.chars > budget.maxBlockText) return false;
    if (part.kind !== 'blocks') inGroup.set(part.group, packed + 1);
    blocks += cost;
    chars += part.chars;
    kept[index] = true;
    return true;
  };
  const header = parts.findIndex((part) => part.role === 'header');
  const runs = [header === -1 ? [] : [header], indexesOf(parts, 'action'), indexesOf(parts, 'content')];
  for (const run of runs) run.every(take);
  return kept;
}

/** The kept parts in their order, fields and buttons packed; the note where the first part is left out. */
function assemble(parts: readonly Part[], kept: readonly boolean[], note?: KnownBlock): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  let open: { group: number; block: SectionBlock | ActionsBlock } | undefined;
  let pending = note;
  parts.forEach((part, i) => {
    if (!kept[i]) {
      if (pending) blocks.push(pending);
      pending = undefined;
      open = undefined;
      return;
    }
    if (part.kind === 'blocks') {
      blocks.push(...part.blocks);
      open = undefined;
      return;
    }
    if (open?.group !== part.group || packedCount(open.block) === CAPACITY[part.kind]) {
      const block: SectionBlock | ActionsBlock = part.kind === 'field' ? { type: 'section', fields: [] } : { type: 'actions', elements: [] };
      open = { group: part.group, block };
      blocks.push(block);
    }
    if (part.kind === 'field') (open.block as SectionBlock).fields!.push(part.field);
    else (open.block as ActionsBlock).elements.push(part.button);
  });
  if (pending) blocks.push(pending);
  return blocks;
}

function packedCount(block: SectionBlock | ActionsBlock): number {
  return block.type === 'section' ? (block.fields?.length ?? 0) : block.elements.length;
}

function indexesOf(parts: readonly Part[], role: Part['role']): number[] {
  return parts.flatMap((part, i) => (part.role === role ? [i] : []));
}

function clamp(value: number | undefined, min: number, max: number): number {
  return value === undefined ? max : Math.min(max, Math.max(min, Math.floor(value)));
}

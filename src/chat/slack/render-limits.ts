import type { KnownBlock } from '@slack/types';

/**
 * Slack's limits for a message's blocks (its Block Kit reference, api.slack.com/reference/block-kit). Lengths are counted as sent, in UTF-16
 * code units, entities in full: never fewer than the characters Slack counts.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  /**
   * Ours, not Slack's: Slack rejects a message whose blocks hold about 12,000 characters of text
   * (`msg_blocks_too_long`, undocumented, seen at 11,341); 10,000 keeps a margin. Counted: every text
   * object's text and every button's value.
   */
  blockText: 10_000,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  id: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Ours: Slack truncates `text` only at 40,000, but a notification needs far less. */
  fallbackText: 3000,
} as const;

export interface BlockBudget {
  maxBlocks: number;
  maxBlockText: number;
}

const DEFAULT_BUDGET: BlockBudget = { maxBlocks: SLACK_LIMITS.blocks, maxBlockText: SLACK_LIMITS.blockText };

/** The characters that count towards the total: every `text` string (of a text object) and every `value`. */
export function blockTextLength(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((sum: number, item) => sum + blockTextLength(item), 0);
  if (node === null || typeof node !== 'object') return 0;
  let sum = 0;
  // for…in, not Object.entries: every block of every message posted is counted, and entries allocate per member.
  for (const key in node) {
    const value = (node as Record<string, unknown>)[key];
    if (typeof value === 'string') sum += key === 'text' || key === 'value' ? value.length : 0;
    else sum += blockTextLength(value);
  }
  return sum;
}

/** Throws, naming every violation, when Slack would reject the blocks (or when they exceed our own budget). */
export function assertWithinSlackLimits(blocks: readonly KnownBlock[], budget: BlockBudget = DEFAULT_BUDGET): void {
  const problems = slackLimitProblems(blocks, budget);
  if (problems.length > 0) throw new Error(`blocks exceed Slack's limits:\n- ${problems.join('\n- ')}`);
}

function slackLimitProblems(blocks: readonly KnownBlock[], budget: BlockBudget = DEFAULT_BUDGET): string[] {
  const problems: string[] = [];
  if (blocks.length > budget.maxBlocks) problems.push(`${blocks.length} blocks, at most ${budget.maxBlocks}`);
  const total = blockTextLength(blocks);
  if (total > budget.maxBlockText) problems.push(`${total} characters of block text, at most ${budget.maxBlockText}`);
  const ids = new Set<string>();
  const unique = (where: string, id: string | undefined) => {
    if (id === undefined) return;
    length(problems, `${where} id`, id, SLACK_LIMITS.id);
    if (ids.has(id)) problems.push(`${where}: id ${id} is not unique`);
    ids.add(id);
  };
  blocks.forEach((block, index) => {
    const where = `block ${index} (${block.type})`;
    unique(where, block.block_id);
    switch (block.type) {
      case 'header':
        textObject(problems, `${where} text`, block.text, SLACK_LIMITS.headerText, 'plain_text');
        break;
      case 'section':
        if (block.text === undefined && block.fields === undefined) problems.push(`${where}: neither text nor fields`);
        if (block.text !== undefined) textObject(problems, `${where} text`, block.text, SLACK_LIMITS.sectionText);
        if (block.fields !== undefined) {
          count(problems, `${where} fields`, block.fields.length, SLACK_LIMITS.fields);
          block.fields.forEach((field, i) => textObject(problems, `${where} field ${i}`, field, SLACK_LIMITS.fieldText));
        }
        if (block.accessory !== undefined) problems.push(`${where}: an accessory, which the renderer never makes`);
        break;
      case 'context':
        count(problems, `${where} elements`, block.elements.length, SLACK_LIMITS.contextElements);
        block.elements.forEach((element, i) => {
          if (element.type === 'mrkdwn' || element.type === 'plain_text') textObject(problems, `${where} element ${i}`, element, SLACK_LIMITS.contextText);
          else problems.push(`${where} element ${i}: a ${element.type}, which the renderer never makes`);
        });
        break;
      case 'actions':
        count(problems, `${where} elements`, block.elements.length, SLACK_LIMITS.actionsElements);
        block.elements.forEach((element, i) => {
          const at = `${where} element ${i}`;
          if (element.type !== 'button') {
            problems.push(`${at}: a ${element.type}, which the renderer never makes`);
            return;
          }
          textObject(problems, `${at} text`, element.text, SLACK_LIMITS.buttonText, 'plain_text');
          if (element.value !== undefined) length(problems, `${at} value`, element.value, SLACK_LIMITS.buttonValue);
          unique(at, element.action_id);
          const confirm = element.confirm;
          if (confirm === undefined) return;
          if (confirm.title) textObject(problems, `${at} confirm title`, confirm.title, SLACK_LIMITS.confirmTitle, 'plain_text');
          textObject(problems, `${at} confirm text`, confirm.text, SLACK_LIMITS.confirmText);
          if (confirm.confirm) textObject(problems, `${at} confirm button`, confirm.confirm, SLACK_LIMITS.confirmButton, 'plain_text');
          if (confirm.deny) textObject(problems, `${at} deny button`, confirm.deny, SLACK_LIMITS.confirmButton, 'plain_text');
        });
        break;
      case 'divider':
        break;
      default:
        problems.push(`${where}: a block type the renderer never makes`);
    }
  });
  return problems;
}

function textObject(problems: string[], where: string, object: { type: string; text: string }, max: number, type?: 'plain_text'): void {
  if (type && object.type !== type) problems.push(`${where}: ${object.type}, must be ${type}`);
  length(problems, where, object.text, max);
}

function length(problems: string[], where: string, text: string, max: number): void {
  if (text.trim().length === 0) problems.push(`${where}: empty`);
  if (text.length > max) problems.push(`${where}: ${text.length} characters, at most ${max}`);
}

function count(problems: string[], where: string, n: number, max: number): void {
  if (n === 0) problems.push(`${where}: none`);
  if (n > max) problems.push(`${where}: ${n}, at most ${max}`);
}

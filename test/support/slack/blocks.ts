import { randomBytes } from 'node:crypto';

/**
 * Block Kit checks as Slack's API applies them to chat.postMessage, chat.update and response_url
 * messages, with the error names (and `errors` texts) Slack answers, so that a renderer that
 * exceeds a limit fails in a test as it would in production.
 */

export type Block = Record<string, unknown>;

export interface BlockLimits {
  /** Blocks per message (50; a Home view allows 100). */
  maxBlocks: number;
  /**
   * Sum of every `text` string in the blocks. Slack's cut-off is undocumented ("about 12,000 with a
   * buffer for block containers"; a message measured at 11,341 was rejected), so the default stays
   * below both: a renderer that passes here passes there.
   */
  maxTotalText: number;
}

export const DEFAULT_BLOCK_LIMITS: BlockLimits = { maxBlocks: 50, maxTotalText: 11_000 };

export type BlocksVerdict =
  | { ok: true; blocks: Block[] | undefined }
  | { ok: false; error: 'invalid_blocks_format' | 'invalid_blocks' | 'msg_blocks_too_long'; errors?: string[] };

// The block types of @slack/types 3.2 (KnownBlock); any other type is refused as Slack refuses it.
const KNOWN_TYPES = new Set([
  'actions', 'alert', 'card', 'carousel', 'container', 'context', 'context_actions', 'data_table', 'divider', 'file',
  'header', 'image', 'input', 'markdown', 'plan', 'rich_text', 'section', 'table', 'task_card', 'video',
]);

/** `raw` is the `blocks` parameter as received: a JSON string (form posts) or an array (JSON posts). */
export function checkBlocks(raw: unknown, limits: BlockLimits = DEFAULT_BLOCK_LIMITS): BlocksVerdict {
  if (raw === undefined || raw === '') return { ok: true, blocks: undefined };
  let blocks: unknown = raw;
  if (typeof raw === 'string') {
    try {
      blocks = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'invalid_blocks_format' };
    }
  }
  if (!Array.isArray(blocks) || !blocks.every(isObject)) return { ok: false, error: 'invalid_blocks_format' };
  const check = new Check();
  check.items(blocks, limits.maxBlocks, '/blocks');
  const blockIds = new Set<string>();
  blocks.forEach((block, index) => {
    const at = `/blocks/${index}`;
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) check.fail('duplicate block_id', `${at}/block_id`);
      blockIds.add(block.block_id);
    }
    checkBlock(check, block, at);
  });
  if (check.errors.length > 0) return { ok: false, error: 'invalid_blocks', errors: check.errors };
  if (totalText(blocks) > limits.maxTotalText) return { ok: false, error: 'msg_blocks_too_long' };
  return { ok: true, blocks };
}

/** Slack fills in the `block_id` and `action_id` a bot left out; interactions then carry those. */
export function fillIds(blocks: Block[]): Block[] {
  return blocks.map((block) => {
    const filled: Block = { ...block, block_id: block.block_id ?? shortId() };
    if (Array.isArray(block.elements) && block.type === 'actions') filled.elements = block.elements.map(withActionId);
    if (block.accessory !== undefined) filled.accessory = withActionId(block.accessory);
    return filled;
  });
}

/** Every interactive element (with its block) in the blocks, for building an interaction on it. */
export function* elementsOf(blocks: Block[]): Generator<{ block: Block; element: Block }> {
  for (const block of blocks) {
    if (Array.isArray(block.elements)) for (const element of block.elements) if (isObject(element)) yield { block, element };
    if (isObject(block.accessory)) yield { block, element: block.accessory };
  }
}

/** The action_id of the button whose value (the command it runs, for our buttons) starts with `command`. */
export function buttonFor(blocks: Block[] | undefined, command: string): string {
  const found = [...elementsOf(blocks ?? [])].find(({ element }) => element.type === 'button' && typeof element.value === 'string' && element.value.startsWith(command));
  if (!found) throw new Error(`no button for ${command} in ${JSON.stringify(blocks)}`);
  return String(found.element.action_id);
}

function withActionId(element: unknown): unknown {
  if (!isObject(element) || element.type === 'image' || element.action_id !== undefined) return element;
  return { ...element, action_id: shortId() };
}

function checkBlock(check: Check, block: Block, at: string): void {
  check.max(block.block_id, 255, `${at}/block_id`);
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) check.fail('must provide either text or fields', at);
      if (block.text !== undefined) check.text(block.text, `${at}/text`, 3000);
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) check.fail('must provide an array', `${at}/fields`);
        else {
          check.items(block.fields, 10, `${at}/fields`);
          block.fields.forEach((field: unknown, i: number) => check.text(field, `${at}/fields/${i}`, 2000));
        }
      }
      if (isObject(block.accessory)) checkElement(check, block.accessory, `${at}/accessory`);
      return;
    case 'header':
      check.text(block.text, `${at}/text`, 150, true);
      return;
    case 'actions':
      checkElements(check, block.elements, `${at}/elements`, 25);
      return;
    case 'context':
      checkElements(check, block.elements, `${at}/elements`, 10);
      return;
    case 'image':
      check.required(block.image_url ?? block.slack_file, `${at}/image_url`);
      check.max(block.image_url, 3000, `${at}/image_url`);
      check.required(block.alt_text, `${at}/alt_text`);
      check.max(block.alt_text, 2000, `${at}/alt_text`);
      if (block.title !== undefined) check.text(block.title, `${at}/title`, 2000, true);
      return;
    case 'markdown':
      check.max(block.text, 12_000, `${at}/text`);
      return;
    default:
      if (!KNOWN_TYPES.has(String(block.type))) check.fail('failed to match all allowed schemas', at);
  }
}

function checkElements(check: Check, elements: unknown, at: string, maxItems: number): void {
  if (!Array.isArray(elements) || elements.length === 0) {
    check.fail('must provide at least 1 item', at);
    return;
  }
  check.items(elements, maxItems, at);
  const actionIds = new Set<string>();
  elements.forEach((element: unknown, i: number) => {
    if (!isObject(element)) return check.fail('must provide an object', `${at}/${i}`);
    if (typeof element.action_id === 'string') {
      if (actionIds.has(element.action_id)) check.fail('duplicate action_id', `${at}/${i}/action_id`);
      actionIds.add(element.action_id);
    }
    checkElement(check, element, `${at}/${i}`);
  });
}

function checkElement(check: Check, element: Block, at: string): void {
  check.max(element.action_id, 255, `${at}/action_id`);
  if (element.type === 'mrkdwn' || element.type === 'plain_text') return check.text(element, at, 3000);
  if (element.type !== 'button') return;
  check.text(element.text, `${at}/text`, 75, true);
  check.max(element.value, 2000, `${at}/value`);
  check.max(element.url, 3000, `${at}/url`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
    check.fail('must be a valid enum value', `${at}/style`);
  }
  if (element.confirm !== undefined) {
    const confirm = isObject(element.confirm) ? element.confirm : {};
    check.text(confirm.title, `${at}/confirm/title`, 100, true);
    check.text(confirm.text, `${at}/confirm/text`, 300);
    check.text(confirm.confirm, `${at}/confirm/confirm`, 30, true);
    check.text(confirm.deny, `${at}/confirm/deny`, 30, true);
  }
}

class Check {
  readonly errors: string[] = [];

  fail(message: string, pointer: string): void {
    this.errors.push(`${message} [json-pointer:${pointer}]`);
  }

  required(value: unknown, pointer: string): void {
    if (value === undefined) this.fail('must provide a value', pointer);
  }

  max(value: unknown, limit: number, pointer: string): void {
    if (typeof value === 'string' && value.length > limit) this.fail(`must be less than ${limit + 1} characters`, pointer);
  }

  items(value: unknown[], limit: number, pointer: string): void {
    if (value.length > limit) this.fail(`no more than ${limit} items allowed`, pointer);
  }

  /** A text object: `{type: 'plain_text' | 'mrkdwn', text}` of 1 to `limit` characters. */
  text(value: unknown, pointer: string, limit: number, plainOnly = false): void {
    if (!isObject(value)) return this.fail('must provide an object', pointer);
    const types = plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (!types.includes(String(value.type))) this.fail('must be a valid enum value', `${pointer}/type`);
    if (typeof value.text !== 'string' || value.text.length === 0) return this.fail('must be more than 0 characters', `${pointer}/text`);
    this.max(value.text, limit, `${pointer}/text`);
  }
}

function totalText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item: unknown) => sum + totalText(item), 0);
  if (!isObject(value)) return 0;
  return Object.entries(value).reduce(
    (sum, [key, item]) => sum + (key === 'text' && typeof item === 'string' ? item.length : totalText(item)),
    0,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shortId(): string {
  return randomBytes(3).toString('base64url').slice(0, 4);
}

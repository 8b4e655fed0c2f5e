import type { Block, Button, Field, Message } from '../domain/message.ts';

/** What a platform's renderer makes of each kind of block. */
export interface BlockRenderer<P> {
  /** The first header is the message's own; later ones head a part of its content. */
  header(block: Extract<Block, { type: 'header' }>, role: 'header' | 'content'): P[];
  /** Whether the platform can carry this button (its command within the platform's limit). */
  usable(button: Button): boolean;
  /** A button, numbered through the whole message as the console numbers its choices, in its block's group. */
  button(button: Button, n: number, group: number): P;
  /** A button the platform cannot carry: the text says what to type. */
  fallback(button: Button): P;
  field(field: Field, group: number): P;
  other(block: Exclude<Block, { type: 'header' | 'actions' | 'fields' }>): P[];
}

/**
 * The walk every chat renderer makes over a neutral message, so that what must agree across platforms does:
 * button n is the console's choice n everywhere, and a group's buttons come before its fallbacks, so that they
 * pack into as few rows as possible.
 */
export function walkMessage<P>(message: Message, renderer: BlockRenderer<P>): P[] {
  const parts: P[] = [];
  let buttons = 0;
  let header = false;
  message.blocks.forEach((block, group) => {
    if (block.type === 'header') {
      parts.push(...renderer.header(block, header ? 'content' : 'header'));
      header = true;
    } else if (block.type === 'actions') {
      const numbered = block.buttons.map((button) => ({ button, n: ++buttons }));
      parts.push(...numbered.filter(({ button }) => renderer.usable(button)).map(({ button, n }) => renderer.button(button, n, group)));
      parts.push(...numbered.filter(({ button }) => !renderer.usable(button)).map(({ button }) => renderer.fallback(button)));
    } else if (block.type === 'fields') {
      parts.push(...block.fields.map((field) => renderer.field(field, group)));
    } else {
      parts.push(...renderer.other(block));
    }
  });
  return parts;
}

import type { Message } from '../../domain/message.ts';
import { renderText } from '../text/render.ts';

/** What a renderer gives for one message: the fields of a `message` activity it sets. */
export interface TeamsRendered {
  text?: string;
  textFormat?: 'plain' | 'markdown' | 'xml';
  attachments?: Array<{ contentType: string; content: unknown }>;
}

/**
 * A stand-in until the Adaptive Card renderer is in: the message as the console shows it, as plain text (which
 * Teams shows as it is: nothing in it is read as markup or as a mention).
 */
export function renderPlaceholder(message: Message): TeamsRendered {
  return { text: renderText(message).text, textFormat: 'plain' };
}

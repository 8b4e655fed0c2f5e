import { parseCommand } from '../../domain/command.ts';
import { usageMessage } from '../../domain/help-message.ts';
import { findVerb } from '../../domain/verbs.ts';
import type { Middleware } from '../context.ts';

/** Reads the command; input that does not parse is answered, privately, with what is valid. */
export const parseRequest: Middleware = async (context, next) => {
  const parsed = parseCommand(context.request.text);
  if (!parsed.ok) {
    await context.reply.post(usageMessage(parsed.problem, parsed.spec), 'private');
    return;
  }
  context.command = parsed.command;
  context.spec = findVerb(parsed.command.verb);
  await next();
};

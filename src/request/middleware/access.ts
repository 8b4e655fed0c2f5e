import { textMessage } from '../../domain/message.ts';
import type { AccessPolicy, Role } from '../../domain/roles.ts';
import type { Middleware, RequestContext } from '../context.ts';

/**
 * Lets a request through only when its actor has the role its verb needs; a refusal says how to get it, and
 * a refusal of more than looking is reported (`onRefused`: the audit log).
 */
export function requireRole(policy: AccessPolicy, onRefused?: (context: RequestContext, role: Role) => void): Middleware {
  return async (context, next) => {
    const { spec, request } = context;
    if (!spec) return next();
    if (policy.allows(request.actor, spec.role, request.conversation)) return next();
    context.logger.info({ verb: spec.verb, actor: request.actor.id, role: spec.role }, 'request refused: role missing');
    if (spec.role !== 'viewer') onRefused?.(context, spec.role);
    await context.reply.post(
      textMessage(`"/connector ${spec.verb}" needs the ${spec.role} role, which you do not have. ${policy.howToGrant(spec.role, request.actor, request.conversation)}`, 'warn'),
      'private',
    );
  };
}

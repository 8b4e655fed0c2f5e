import type { Actor, Conversation } from './request.ts';

/** viewer: read-only verbs; operator: may request operations; approver: may approve or reject them. */
export type Role = 'viewer' | 'operator' | 'approver';

/** Who may do what. Asked for every request, whatever the adapter. */
export interface AccessPolicy {
  allows(actor: Actor, role: Role, conversation: Conversation): boolean;
  /** What grants the role, for a refusal that tells the person how to get it. */
  howToGrant(role: Role, actor: Actor, conversation?: Conversation): string;
}

const ROLE_SETTINGS: Record<Role, string> = {
  viewer: 'CONNECTOR_OPS_VIEWERS',
  operator: 'CONNECTOR_OPS_OPERATORS',
  approver: 'CONNECTOR_OPS_APPROVERS',
};

/** Identities as the access settings write them: `slack:U0123ABCD`, `teams:<object id>`, `console`. */
export function identityOf(actor: Actor): string {
  return actor.platform === 'console' ? 'console' : `${actor.platform}:${actor.id}`;
}

export function grantHint(role: Role, actor: Actor): string {
  return `Ask whoever runs connector-ops to add ${identityOf(actor)} to ${ROLE_SETTINGS[role]} (or to access.${role}s in its YAML file).`;
}


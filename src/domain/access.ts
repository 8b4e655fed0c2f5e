import type { Actor, Conversation } from './request.ts';
import { grantHint, identityOf, type AccessPolicy, type Role } from './roles.ts';

/** Who may do what, as the access settings write it. */
export interface AccessSettings {
  viewers: readonly string[];
  operators: readonly string[];
  approvers: readonly string[];
  /** Conversations operations may be requested and decided in (`slack:C…`, `teams:…`); empty: any. */
  operationChannels: readonly string[];
  allowSelfApproval: boolean;
}

/**
 * Roles from configuration. Safe without any: the person at the console is operator and approver (one
 * person at a terminal); in chat everyone is a viewer and nobody may change anything until named.
 */
export class ConfiguredAccess implements AccessPolicy {
  private readonly settings: AccessSettings;

  constructor(settings: AccessSettings) {
    this.settings = settings;
  }

  allows(actor: Actor, role: Role, conversation: Conversation): boolean {
    if (actor.platform === 'console') return true;
    if (actor.platform === 'schedule') return role === 'viewer';
    const { viewers, operators, approvers } = this.settings;
    switch (role) {
      case 'viewer':
        return viewers.length === 0 || [viewers, operators, approvers].some((list) => names(list, actor));
      case 'operator':
        return names(operators, actor) && this.inOperationChannel(conversation);
      case 'approver':
        return names(approvers, actor) && this.inOperationChannel(conversation);
    }
  }

  /** The four-eyes rule: in chat, never one's own request, unless the settings allow it (a team of one). */
  maySelfApprove(actor: Actor): boolean {
    return actor.platform === 'console' || this.settings.allowSelfApproval;
  }

  howToGrant(role: Role, actor: Actor, conversation?: Conversation): string {
    const listed = role === 'operator' ? this.settings.operators : role === 'approver' ? this.settings.approvers : this.settings.viewers;
    if (role !== 'viewer' && names(listed, actor) && conversation && !this.inOperationChannel(conversation)) {
      return `Operations may be requested and decided only in ${this.settings.operationChannels.join(', ')} (CONNECTOR_OPS_OPERATION_CHANNELS).`;
    }
    return grantHint(role, actor);
  }

  private inOperationChannel(conversation: Conversation): boolean {
    const channels = this.settings.operationChannels;
    return channels.length === 0 || channels.includes(`${conversation.platform}:${conversation.id}`);
  }
}

/** Whether a list of identities names the actor: by id, by a group the platform resolved, or `*`. */
function names(list: readonly string[], actor: Actor): boolean {
  const own = identityOf(actor).toLowerCase();
  return list.some((entry) => {
    const identity = entry.toLowerCase();
    if (identity === '*') return true;
    if (identity === own) return true;
    const group = /^([a-z]+):@(.+)$/.exec(identity);
    return group !== null && group[1] === actor.platform && (actor.groups ?? []).some((g) => g.toLowerCase() === group[2]);
  });
}

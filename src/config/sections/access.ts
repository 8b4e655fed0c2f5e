import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { SETTINGS, type Setting } from '../settings.ts';
import type { list } from '../values.ts';
import { quoted, type Sources } from '../sources.ts';

const IDENTITY = /^(\*|console|slack:@?[A-Za-z0-9._-]+|teams:[^\s,]+)$/;
const CONVERSATION = /^(slack:[A-Z0-9]+|teams:[^\s,]+)$/;

/** Who may do what, with every identity checked: a typo here would silently grant nothing. */
export function readAccess(sources: Sources): Config['access'] {
  const identities = (setting: Setting<typeof list, string[]>) => {
    const values = sources.read(setting);
    for (const value of values.filter((v) => !IDENTITY.test(v))) {
      sources.problems.push(
        `${setting.env} has ${quoted(value)}, which is not an identity; expected slack:U0123ABCD, slack:@group-handle, teams:<object id>, console or *`,
      );
    }
    return values;
  };
  const channels = sources.read(SETTINGS.CONNECTOR_OPS_OPERATION_CHANNELS);
  for (const value of channels.filter((v) => !CONVERSATION.test(v))) {
    sources.problems.push(`CONNECTOR_OPS_OPERATION_CHANNELS has ${quoted(value)}, which is not a conversation; expected slack:C0123ABCD or teams:<conversation id>`);
  }
  return {
    viewers: identities(SETTINGS.CONNECTOR_OPS_VIEWERS),
    operators: identities(SETTINGS.CONNECTOR_OPS_OPERATORS),
    approvers: identities(SETTINGS.CONNECTOR_OPS_APPROVERS),
    operationChannels: channels,
    allowSelfApproval: sources.read(SETTINGS.CONNECTOR_OPS_ALLOW_SELF_APPROVAL),
  };
}

/** How operations run: approval expiry, stop grace, the wait for healthy, where backups go. */
export function readOperations(sources: Sources, dataDir: string): Config['operations'] {
  const backupDir = sources.read(SETTINGS.BACKUP_DIR);
  return {
    approvalTimeoutMinutes: sources.read(SETTINGS.APPROVAL_TIMEOUT_MINUTES),
    stopGraceSeconds: sources.read(SETTINGS.STOP_GRACE_SECONDS),
    healthyTimeoutSeconds: sources.read(SETTINGS.HEALTHY_TIMEOUT_SECONDS),
    backupDir: backupDir ? resolve(backupDir) : join(dataDir, 'backups'),
  };
}

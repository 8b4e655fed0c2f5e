import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logging/logger.ts';
import { slackErrorOf } from './slack-poster.ts';

const REFRESH_MS = 10 * 60_000;

/**
 * Which of the user groups named in the access settings (`slack:@handle`) a user is in: the members of those
 * groups, read with usergroups.list and usergroups.users.list, cached and refreshed every ten minutes. Slack
 * answers plan_upgrade_required on free plans: then group roles cannot work (user ids still do), said once.
 */
export class SlackGroups {
  private readonly client: WebClient;
  private readonly handles: readonly string[];
  private readonly logger: Logger;
  private members = new Map<string, ReadonlySet<string>>();
  private readAt = 0;
  private refreshing?: Promise<void>;

  constructor(client: WebClient, handles: readonly string[], logger: Logger) {
    this.client = client;
    this.handles = handles.map((h) => h.toLowerCase());
    this.logger = logger;
  }

  /** The configured groups the user is in, by handle. */
  async of(userId: string): Promise<string[]> {
    if (this.handles.length === 0) return [];
    if (Date.now() - this.readAt > REFRESH_MS) {
      this.refreshing ??= this.refresh().finally(() => {
        this.refreshing = undefined;
      });
      // A first read is waited for; later ones refresh in the background while the old answer serves.
      if (this.readAt === 0) await this.refreshing;
    }
    return [...this.members].filter(([, users]) => users.has(userId)).map(([handle]) => handle);
  }

  async refresh(): Promise<void> {
    if (this.handles.length === 0) return;
    try {
      const list = (await this.client.apiCall('usergroups.list', {})) as { usergroups?: Array<{ id: string; handle: string }> };
      const byHandle = new Map((list.usergroups ?? []).map((g) => [g.handle.toLowerCase(), g.id]));
      const members = new Map<string, ReadonlySet<string>>();
      for (const handle of this.handles) {
        const id = byHandle.get(handle);
        if (!id) {
          this.logger.warn({ handle }, 'a user group named in the access settings does not exist in this workspace');
          continue;
        }
        const answer = (await this.client.apiCall('usergroups.users.list', { usergroup: id })) as { users?: string[] };
        members.set(handle, new Set(answer.users ?? []));
      }
      this.members = members;
    } catch (error) {
      if (slackErrorOf(error) === 'plan_upgrade_required') {
        this.logger.warn('Slack user groups need a paid plan (plan_upgrade_required): roles granted to slack:@groups cannot work; user ids still do');
      } else {
        this.logger.warn({ err: error }, 'could not read the Slack user groups named in the access settings');
      }
    }
    this.readAt = Date.now();
  }
}

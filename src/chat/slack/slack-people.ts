import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../logging/logger.ts';

const KEEP_MS = 60 * 60_000;
const LOOKUP_TIMEOUT_MS = 2_000;

/**
 * The names people go by, for messages and the audit log: a payload carries only the legacy user name
 * (`bob`), users.info the display name (`Bob`). Cached; a lookup that fails or takes long keeps the user name.
 */
export class SlackPeople {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly names = new Map<string, { name: string; at: number }>();

  constructor(client: WebClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
  }

  async nameOf(userId: string, fallback: string): Promise<string> {
    const cached = this.names.get(userId);
    if (cached && Date.now() - cached.at < KEEP_MS) return cached.name;
    try {
      const lookup = this.client.apiCall('users.info', { user: userId }) as Promise<{ user?: { name?: string; real_name?: string; profile?: { display_name?: string; real_name?: string } } }>;
      const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), LOOKUP_TIMEOUT_MS).unref());
      const answer = await Promise.race([lookup, timeout]);
      const user = answer?.user;
      const name = user?.profile?.display_name || user?.profile?.real_name || user?.real_name || user?.name || fallback;
      if (answer) this.names.set(userId, { name, at: Date.now() });
      return name;
    } catch (error) {
      this.logger.debug({ err: error, userId }, 'Slack users.info failed; the user name stands in');
      return fallback;
    }
  }
}

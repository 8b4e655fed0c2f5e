import type { Config } from '../../config/config.ts';
import { Deliveries } from '../../store/deliveries.ts';
import type { ChatPlatform } from '../adapter.ts';
import { DeferredAdapter } from '../deferred-adapter.ts';
import { SLACK_EVENTS_PATH } from './events-path.ts';
import type { SlackAdapterOptions } from './slack-adapter.ts';

/** Slack, when its settings are present (SLACK_BOT_TOKEN and an app token or a signing secret); Bolt loads when it starts. */
export const slackPlatform: ChatPlatform = (config, chat) => {
  if (!config.slack) return undefined;
  const options: SlackAdapterOptions = {
    settings: config.slack,
    dispatch: chat.dispatch,
    // Its own connection: a delivery's key is written before every acknowledgement, without an fsync.
    deliveries: new Deliveries(chat.openStore()),
    groupHandles: slackGroupHandles(config.access),
    logger: chat.logger,
    redact: chat.redact,
    home: chat.home,
    countRefused: () => chat.countRefused('slack'),
  };
  return new DeferredAdapter({
    name: 'slack',
    paths: config.slack.mode === 'http' ? [SLACK_EVENTS_PATH] : [],
    load: async () => new (await import('./slack-adapter.ts')).SlackAdapter(options),
  });
};

/** The Slack user groups the access settings name (`slack:@handle`): their members are looked up for roles. */
function slackGroupHandles(access: Config['access']): string[] {
  const all = [...access.viewers, ...access.operators, ...access.approvers];
  return [...new Set(all.flatMap((identity) => /^slack:@(.+)$/i.exec(identity)?.slice(1, 2) ?? []))];
}

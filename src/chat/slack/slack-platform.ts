import type { Config } from '../../config/config.ts';
import { Deliveries } from '../../store/deliveries.ts';
import type { ChatPlatform } from '../adapter.ts';
import { SlackAdapter } from './slack-adapter.ts';

/** Slack, when its settings are present (SLACK_BOT_TOKEN and an app token or a signing secret). */
export const slackPlatform: ChatPlatform = (config, chat) =>
  config.slack &&
  new SlackAdapter({
    settings: config.slack,
    dispatch: chat.dispatch,
    // Its own connection: a delivery's key is written before every acknowledgement, without an fsync.
    deliveries: new Deliveries(chat.openStore()),
    groupHandles: slackGroupHandles(config.access),
    logger: chat.logger,
    redact: chat.redact,
    home: chat.home,
    countRefused: () => chat.countRefused('slack'),
  });

/** The Slack user groups the access settings name (`slack:@handle`): their members are looked up for roles. */
function slackGroupHandles(access: Config['access']): string[] {
  const all = [...access.viewers, ...access.operators, ...access.approvers];
  return [...new Set(all.flatMap((identity) => /^slack:@(.+)$/i.exec(identity)?.slice(1, 2) ?? []))];
}

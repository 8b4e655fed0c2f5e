/** Where Slack delivers events, commands and button clicks over HTTP (the signing-secret mode); known before Bolt loads. */
export const SLACK_EVENTS_PATH = '/slack/events';

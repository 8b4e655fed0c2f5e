import type { SlackStandin } from '../../test/support/slack/index.ts';

/** One post or update of an error-group alert, as the loopback Slack received it. */
export interface AlertCall {
  /** The alert's id, which its message names in its context line. */
  alert: string;
  connector: string;
  method: 'chat.postMessage' | 'chat.update';
  /** Date.now() when the stand-in received the request. */
  time: number;
  text: string;
  resolved: boolean;
}

const ALERT_ID = /alert ([0-9a-f]{10}) ·/;
const ERROR_GROUP = /^(?:\w+(?: \w+)?) · (\S+) · errors in the log: /;

/** Every accepted post and update of an error-group alert so far, in the order they arrived. */
export function errorAlertCalls(slack: SlackStandin): AlertCall[] {
  return slack.calls.flatMap((call): AlertCall[] => {
    if ((call.method !== 'chat.postMessage' && call.method !== 'chat.update') || call.status !== 200 || call.error) return [];
    const text = String(call.params.text ?? '');
    const connector = ERROR_GROUP.exec(text)?.[1];
    const alert = ALERT_ID.exec(String(call.params.blocks ?? ''))?.[1];
    if (!connector || !alert) return [];
    return [{ alert, connector, method: call.method, time: call.time, text, resolved: text.startsWith('RESOLVED') }];
  });
}

/** The error count that an alert's message shows now (its last edit), or undefined when no message names it. */
export function shownCount(slack: SlackStandin, channel: string, alert: string): number | undefined {
  const message = slack.messagesIn(channel).find((m) => ALERT_ID.exec(JSON.stringify(m.blocks))?.[1] === alert);
  const count = /\*errors\*\\n(\d+)/.exec(JSON.stringify(message?.blocks))?.[1];
  return count === undefined ? undefined : Number(count);
}

/**
 * Teams' side of bench/teams-ack.ts, in a process of its own: the authority's keys, the token service and the Bot
 * Connector that receives the bot's replies. Neither shares an event loop with the servers measured nor with the
 * sender (support/burst-sender.ts), whose reading of an answer would otherwise wait behind the bot's replies
 * arriving here (the bare app, replying nothing, would be spared). Prints {authority, sidecar, serviceUrl}; then
 * reads one JSON line at a time:
 * - {make: count}: answers {requests, awaited}: `count` signed (JWT) `connector help` messages (a personal chat) and
 *   `count` presses of a `/connector help` button (adaptiveCard/action invokes), interleaved, and the activities
 *   whose replies are awaited;
 * - {await: ids}: answers {answeredAt} (an epoch time in milliseconds) once every one of them has a reply.
 */
import { createInterface } from 'node:readline';
import { BotConnector, cardAction, KeyServer, PERSONAL_CHAT, personalMessage, TokenService, type TeamsActivity } from '../../test/support/teams/index.ts';
import type { SignedRequest } from './burst-sender.ts';
import { epochNow } from './stats.ts';
import type { MadeBurst } from './timed-burst.ts';

type Line = { make: number } | { await: string[] };

const ANSWER_TIMEOUT_MS = 60_000;
const HELP_BUTTON = { title: 'Help', command: '/connector help' };

const [keys, sidecar, connector] = await Promise.all([KeyServer.start(), TokenService.start(), BotConnector.start()]);
const { serviceUrl } = connector;
process.stdout.write(`${JSON.stringify({ authority: keys.url, sidecar: sidecar.url, serviceUrl })}\n`);
let cards = 0;
for await (const text of createInterface({ input: process.stdin })) {
  const line = JSON.parse(text) as Line;
  if ('make' in line) {
    const token = await keys.sign(serviceUrl);
    const signed = (activity: TeamsActivity): SignedRequest => ({ body: JSON.stringify(activity), headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
    const messages = Array.from({ length: line.make }, () => personalMessage(serviceUrl, 'connector help'));
    // Each press on a card of its own: the bot answers below the card pressed.
    const invokes = Array.from({ length: line.make }, () => cardAction(serviceUrl, { conversationId: PERSONAL_CHAT, messageId: `bench-card-${++cards}`, conversationType: 'personal' }, HELP_BUTTON));
    const requests = messages.flatMap((message, i) => [signed(message), signed(invokes[i]!)]);
    const made: MadeBurst = { requests, awaited: [...messages.map((m) => m.id), ...invokes.map((i) => String(i.replyToId))] };
    process.stdout.write(`${JSON.stringify(made)}\n`);
  } else {
    const awaited = new Set(line.await);
    await connector.waitFor(() => (new Set(connector.messages().flatMap((call) => (call.activityId && awaited.has(call.activityId) ? [call.activityId] : []))).size >= awaited.size ? true : undefined), ANSWER_TIMEOUT_MS);
    connector.calls.length = 0;
    process.stdout.write(`${JSON.stringify({ answeredAt: epochNow() })}\n`);
  }
}
await Promise.all([keys.close(), sidecar.close(), connector.close()]);

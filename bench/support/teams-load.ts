/**
 * Teams' side of bench/teams-ack.ts, in a process of its own so that neither Microsoft's work (the authority's keys,
 * the token service, the Bot Connector answering the bot's replies) nor the sending shares an event loop with the
 * servers measured. Starts the loopback stand-ins and prints {authority, sidecar, serviceUrl}; then reads one JSON
 * line per burst from stdin, {url, count, answered}, sends `count` signed `connector help` messages (a personal chat)
 * and `count` presses of a `/connector help` button (adaptiveCard/action invokes) at once, and answers
 * {messages: [ms, …], invokes: [ms, …], answeredMs}: the time to each HTTP answer; with `answered`, also the time
 * until every reply has reached the Bot Connector, so that the next burst does not meet them.
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { BotConnector, cardAction, KeyServer, PERSONAL_CHAT, personalMessage, TokenService, type TeamsActivity } from '../../test/support/teams/index.ts';

interface Burst {
  url: string;
  count: number;
  answered?: boolean;
}

const ANSWER_TIMEOUT_MS = 60_000;
const HELP_BUTTON = { title: 'Help', command: '/connector help' };

function send(url: string, activity: TeamsActivity, token: string): Promise<number> {
  const body = JSON.stringify(activity);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) };
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode} for ${activity.type}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const [keys, sidecar, connector] = await Promise.all([KeyServer.start(), TokenService.start(), BotConnector.start()]);
const { serviceUrl } = connector;
process.stdout.write(`${JSON.stringify({ authority: keys.url, sidecar: sidecar.url, serviceUrl })}\n`);
let cards = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const burst = JSON.parse(line) as Burst;
  const token = await keys.sign(serviceUrl);
  const messages = Array.from({ length: burst.count }, () => personalMessage(serviceUrl, 'connector help'));
  // Each press on a card of its own: the bot answers below the card pressed.
  const invokes = Array.from({ length: burst.count }, () => cardAction(serviceUrl, { conversationId: PERSONAL_CHAT, messageId: `bench-card-${++cards}`, conversationType: 'personal' }, HELP_BUTTON));
  const started = performance.now();
  // Interleaved, all at once.
  const sent = messages.flatMap((message, i) => [send(burst.url, message, token), send(burst.url, invokes[i]!, token)]);
  const times = await Promise.all(sent);
  if (burst.answered) {
    const awaited = new Set([...messages.map((m) => m.id), ...invokes.map((i) => String(i.replyToId))]);
    await connector.waitFor(() => (new Set(connector.messages().flatMap((call) => (call.activityId && awaited.has(call.activityId) ? [call.activityId] : []))).size >= awaited.size ? true : undefined), ANSWER_TIMEOUT_MS);
  }
  connector.calls.length = 0;
  process.stdout.write(`${JSON.stringify({ messages: times.filter((_, i) => i % 2 === 0), invokes: times.filter((_, i) => i % 2 === 1), answeredMs: performance.now() - started })}\n`);
}
await Promise.all([keys.close(), sidecar.close(), connector.close()]);

/**
 * Slack's side of bench/slack-ack.ts, in a process of its own: the loopback Slack that answers the bot's users.info
 * and receives its answers at the response URLs. Neither shares an event loop with the servers measured nor with
 * the sender (support/burst-sender.ts), whose reading of an acknowledgement would otherwise wait behind the bot's
 * answers arriving here (the bare app, answering nothing, would be spared). Prints {apiUrl, botToken}; then reads
 * one JSON line at a time:
 * - {make: {count, secret}}: answers {requests, awaited}, `count` signed `/connector help` commands and their
 *   response URLs' ids;
 * - {await: ids}: answers {answeredAt} (an epoch time in milliseconds) once every one of them has been answered.
 */
import { createInterface } from 'node:readline';
import { signedRequest, SlackStandin } from '../../test/support/slack/index.ts';
import { epochNow } from './stats.ts';
import type { MadeBurst } from './timed-burst.ts';

type Line = { make: { count: number; secret: string } } | { await: string[] };

const ANSWER_TIMEOUT_MS = 30_000;

const standin = await SlackStandin.start();
process.stdout.write(`${JSON.stringify({ apiUrl: standin.apiUrl, botToken: standin.botToken })}\n`);
for await (const text of createInterface({ input: process.stdin })) {
  const line = JSON.parse(text) as Line;
  if ('make' in line) {
    const commands = Array.from({ length: line.make.count }, () => standin.slashCommand({ text: 'help' }));
    const made: MadeBurst = {
      requests: commands.map((command) => signedRequest(line.make.secret, command)),
      awaited: commands.map((command) => command.response_url.split('/').pop()!),
    };
    process.stdout.write(`${JSON.stringify(made)}\n`);
  } else {
    const ids = new Set(line.await);
    await standin.waitFor(() => standin.callsOf('response_url').filter((call) => ids.has(String(call.params.id))).length >= ids.size, ANSWER_TIMEOUT_MS);
    process.stdout.write(`${JSON.stringify({ answeredAt: epochNow() })}\n`);
  }
}
await standin.stop();

/**
 * Slack's side of bench/slack-ack.ts, in a process of its own so that neither Slack's work (answering the
 * bot's users.info and response URLs) nor the sending shares an event loop with the servers measured.
 * Starts the loopback Slack and prints {apiUrl, botToken}; then reads one JSON line per burst from stdin,
 * {url, secret, count, answered}, sends `count` signed `/connector help` commands at once and answers
 * {times: [ms, …], answeredMs} (time to each HTTP answer, the acknowledgement; with `answered`, the time until
 * every command's answer has reached its response URL as well, so that the next burst does not meet them).
 */
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { signedRequest, SlackStandin } from '../../test/support/slack/index.ts';

interface Burst {
  url: string;
  secret: string;
  count: number;
  answered?: boolean;
}

const ANSWER_TIMEOUT_MS = 30_000;

function send(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const standin = await SlackStandin.start();
process.stdout.write(`${JSON.stringify({ apiUrl: standin.apiUrl, botToken: standin.botToken })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  const burst = JSON.parse(line) as Burst;
  const commands = Array.from({ length: burst.count }, () => standin.slashCommand({ text: 'help' }));
  const requests = commands.map((command) => signedRequest(burst.secret, command));
  const started = performance.now();
  const times = await Promise.all(requests.map((r) => send(burst.url, r.body, r.headers)));
  if (burst.answered) {
    const ids = new Set(commands.map((command) => command.response_url.split('/').pop()));
    await standin.waitFor(() => standin.callsOf('response_url').filter((call) => ids.has(String(call.params.id))).length >= ids.size, ANSWER_TIMEOUT_MS);
  }
  process.stdout.write(`${JSON.stringify({ times, answeredMs: performance.now() - started })}\n`);
}
await standin.stop();

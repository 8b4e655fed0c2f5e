import type { Block, Button, Message } from '../../src/domain/message.ts';
import { CHECK_STATUSES } from '../../src/domain/status.ts';
import { seededRandom } from './golden.ts';

// Pieces every renderer must keep inert, whatever its platform's markup: control characters, lookalikes, quotes.
const COMMON_PIECES = ['a', 'Z', '9', ' ', '\n', '\t', '&', '<', '>', '*', '_', '~', '`', '\u001b[31m', '\u0000', '\u009b', '😀', 'é', '·', '"', "'"];
const COMMANDS = [
  '/connector health main --details',
  '/connector approve r7k2m9',
  '/connector reject r7k2m9 not during the release',
  '/connector logs "prod eu" --since 24h',
  '/connector update prod 7.4.7 --reason "AMQP fix <!here> & more"',
  'status --details',
  '/connector restart',
  '/connector frobnicate',
  '/connector logs --since',
];

/**
 * Random neutral messages from a seed, for the renderers' property tests: texts of letters, markup and the
 * platform's own `pieces`, long and short; every block type; buttons with and without a confirmation, with
 * commands too long for a button or no command at all.
 */
export function messageGenerator(seed: number, pieces: readonly string[]) {
  const next = seededRandom(seed);
  const all = [...COMMON_PIECES, ...pieces];
  const int = (max: number) => Math.floor(next() * (max + 1));
  const pick = <T>(items: readonly T[]): T => items[int(items.length - 1)]!;
  const size = () => (next() < 0.1 ? int(6000) : next() < 0.3 ? int(400) : int(40));
  const text = (length = size()) => {
    let out = '';
    while (out.length < length) out += next() < 0.7 ? 'abcdefghij klmnop'[int(16)] : pick(all);
    return out;
  };
  const status = () => (next() < 0.3 ? {} : { status: pick(CHECK_STATUSES) });
  const command = () => (next() < 0.05 ? `/connector reject r7k2m9 ${'y'.repeat(int(3000))}` : next() < 0.1 ? text() : pick(COMMANDS));
  const button = (): Button => ({
    label: text(int(120)),
    command: command(),
    ...(next() < 0.5 && { style: pick(['primary', 'danger'] as const) }),
    ...(next() < 0.5 && { confirm: { title: text(int(150)), text: text(int(500)), confirm: text(int(40)), deny: text(int(40)) } }),
  });
  const block = (): Block => {
    const many = () => (next() < 0.15 ? int(300) : int(12));
    switch (int(5)) {
      case 0:
        return { type: 'header', text: text(int(250)), ...status() };
      case 1:
        return { type: 'section', text: text(), ...status() };
      case 2:
        return { type: 'fields', fields: Array.from({ length: many() }, () => ({ label: text(int(250)), value: text(), ...status() })) };
      case 3:
        return { type: 'actions', buttons: Array.from({ length: next() < 0.1 ? int(80) : int(4) }, button) };
      case 4:
        return { type: 'context', text: text() };
      default:
        return { type: 'divider' };
    }
  };
  return {
    message: (): Message => ({ text: text(), blocks: Array.from({ length: next() < 0.2 ? int(120) : int(10) }, block) }),
    /** The next number in [0, 1) and the next whole number up to `max`, for options drawn with the message. */
    chance: next,
    int,
  };
}

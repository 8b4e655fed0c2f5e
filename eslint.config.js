import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The rooms of src/, bottom to top, and what each may import besides its own files: rooms below it only, so that
 * imports run one way (docs/architecture.md). A name is a folder of src/, or one file of a room (a small helper a
 * room above may use without the rest of it). A folder inside a room that is a room of its own (a chat platform)
 * is not part of the room around it. The entry files directly in src/ (bin, cli and its commands cli-*, main, process-guard, and
 * the composition root: root and the parts it builds, root-*) may import anything; no room imports them.
 */
const CHAT_PLATFORM = ['domain', 'logging', 'config', 'store', 'delivery', 'http', 'chat', 'integrations/cooperative.ts', 'integrations/http/timeout.ts'];
const ROOMS = [
  ['domain', []],
  ['logging', ['domain']],
  ['time', ['domain']],
  ['logs', ['domain']],
  ['config', ['domain', 'logging', 'time']],
  ['integrations', ['domain', 'logging', 'time', 'logs', 'config']],
  ['store', ['domain', 'logging', 'time', 'logs', 'config', 'integrations/host/user.ts']],
  ['connectors', ['domain', 'logging', 'config', 'integrations']],
  ['checks', ['domain', 'logging', 'time', 'logs', 'config', 'integrations']],
  ['operations', ['domain', 'logging', 'time', 'config', 'integrations', 'store', 'checks']],
  ['delivery', ['domain', 'logging', 'store']],
  ['alerts', ['domain', 'logging', 'time', 'logs', 'config', 'store', 'delivery']],
  ['scheduler', ['domain', 'logging', 'time', 'config', 'integrations', 'store', 'delivery']],
  ['request', ['domain', 'logging', 'time', 'logs', 'config', 'store', 'operations', 'alerts']],
  ['http', ['domain', 'logging']],
  // What every platform shares: the ChatAdapter interface and what the root hands a platform, the text and chart renderers.
  ['chat', ['domain', 'logging', 'config', 'store', 'delivery', 'http', 'integrations/cooperative.ts']],
  // One platform never imports another's folder.
  ['chat/console', CHAT_PLATFORM],
  ['chat/slack', CHAT_PLATFORM],
  ['chat/teams', CHAT_PLATFORM],
];

const DEEPEST = 4;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const roomOf = (path) => ROOMS.map(([room]) => room).filter((room) => path === room || path.startsWith(`${room}/`)).sort((a, b) => b.length - a.length)[0];
/** Rooms inside `room`'s folder: not part of it. */
const roomsInside = (room) => ROOMS.map(([inner]) => inner).filter((inner) => inner.startsWith(`${room}/`));

/** Every folder of src/ belongs to a room: a new one is placed in the table before it is linted. */
for (const entry of readdirSync(join(import.meta.dirname, 'src'), { withFileTypes: true })) {
  if (entry.isDirectory() && !ROOMS.some(([room]) => room === entry.name)) throw new Error(`src/${entry.name} is in no room: add it to ROOMS in eslint.config.js and docs/architecture.md`);
}

/**
 * One block per room and depth of file: an import's relative path climbs a known number of folders, so each
 * pattern names what may follow at each height (no-restricted-imports sees the path as written).
 */
function roomBlocks() {
  const order = ROOMS.map(([room]) => room);
  return ROOMS.flatMap(([room, allowed]) => {
    for (const target of allowed) {
      if (order.indexOf(roomOf(target)) >= order.indexOf(room)) throw new Error(`eslint.config.js: ${room} may import only rooms below it, not ${target}`);
    }
    const segments = room.split('/');
    const message = `src/${room} imports only ${allowed.length > 0 ? allowed.join(', ') : 'nothing'} besides its own files: rooms below it (docs/architecture.md).`;
    const blocks = [];
    for (let depth = segments.length; depth <= DEEPEST; depth++) {
      const patterns = [];
      for (let up = 1; up <= depth; up++) {
        const landing = depth - up;
        const climb = `^(?:\\.\\./){${up}}`;
        // Beyond the room's own folder: only what it may import. The top of src/ also catches a path climbing out of it.
        if (landing < segments.length) {
          const at = segments.slice(0, landing).join('/');
          const under = (path) => (at === '' ? path : path === at ? '' : path.startsWith(`${at}/`) ? path.slice(at.length + 1) : undefined);
          const open = [...allowed, room].flatMap((target) => {
            const rest = under(target);
            return rest === undefined ? [] : [rest.endsWith('.ts') ? `${escape(rest)}$` : `${escape(rest)}/`];
          });
          const stop = up < depth ? '\\.\\./|' : '';
          // An empty rest: the whole folder reached may be imported (but for the rooms inside it, below).
          if (!open.includes('/')) patterns.push({ regex: `${climb}(?!${stop}${open.join('|')})`, message });
          const closed = [...allowed, room]
            .flatMap((target) => roomsInside(target))
            .filter((inner) => inner !== room && !allowed.includes(inner))
            .flatMap((inner) => (under(inner) === undefined ? [] : [`${escape(under(inner))}/`]));
          if (closed.length > 0) patterns.push({ regex: `${climb}(?:${closed.join('|')})`, message });
        } else if (landing === segments.length && roomsInside(room).length > 0) {
          // At the room's own folder: not into the rooms inside it.
          patterns.push({ regex: `${climb}(?:${roomsInside(room).map((inner) => `${escape(inner.slice(room.length + 1))}/`).join('|')})`, message });
        }
      }
      blocks.push({
        files: [`src/${room}/${'*/'.repeat(depth - segments.length)}*.ts`],
        ignores: roomsInside(room).map((inner) => `src/${inner}/**`),
        rules: { 'no-restricted-imports': ['error', { patterns: patterns.map((pattern) => ({ ...pattern, caseSensitive: true })) }] },
      });
    }
    return blocks;
  });
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  ...roomBlocks(),
  {
    // Settings come through src/config, read once by the entry files.
    files: ['src/*/**/*.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only the entry files read the environment: add a setting to src/config/settings.ts and hand it in.' }] },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);

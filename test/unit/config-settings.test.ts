import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_ROWS } from '../../src/config/settings.ts';

/** `# NAME=value   # comment` lines of .env.example: NAME → value. */
const ENV_EXAMPLE = readFileSync(resolve(import.meta.dirname, '../../.env.example'), 'utf8');
// A value with spaces is quoted, as a .env file takes it: # REPORT_SCHEDULE="0 8 * * 1-5".
// The Agents SDK's names are in camel case (connections__serviceConnection__settings__clientId).
const documented = new Map([...ENV_EXAMPLE.matchAll(/^# ([A-Za-z][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/gm)].map((m) => [m[1] ?? '', m[2] ?? m[3] ?? '']));

/** A default as a variable spells it: lists comma-separated. */
function spelt(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

describe('the table of settings', () => {
  it('has no environment variable twice, nor one that is another’s NAME_FILE', () => {
    const names = SETTING_ROWS.map((s) => s.env);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    const fileVariables = SETTING_ROWS.filter((s) => s.secret).map((s) => `${s.env}_FILE`);
    expect(fileVariables.filter((n) => names.includes(n))).toEqual([]);
  });

  it('has no YAML file path twice', () => {
    const paths = SETTING_ROWS.flatMap((s) => (s.file === undefined ? [] : [s.file]));
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
  });

  it.each(SETTING_ROWS.filter((s) => s.default !== undefined).map((s) => [s.env, s] as const))(
    '%s: its default is what its schema makes of it',
    (_name, setting) => {
      expect(setting.schema.parse(setting.default)).toEqual(setting.default);
    },
  );

  it.each(SETTING_ROWS.map((s) => [s.env, s] as const))('%s is documented in .env.example, with its default', (name, setting) => {
    expect(documented.has(name), `# ${name}= in .env.example`).toBe(true);
    if (setting.default !== undefined) expect(documented.get(name)).toBe(spelt(setting.default));
    if (setting.secret) expect(ENV_EXAMPLE).toContain(`${name}_FILE`);
    expect(setting.description).toMatch(/\S/);
  });

  it('.env.example documents no variable the table does not know', () => {
    const known = new Set(SETTING_ROWS.map((s) => s.env));
    expect([...documented.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});

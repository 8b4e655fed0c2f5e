import { describe, expect, it } from 'vitest';
import { inert, inertJson } from '../../src/domain/inert.ts';

/** Characters a reader cannot see, or that reorder what is shown around them. */
const INVISIBLE = {
  'zero width space': '\u200b',
  'zero width non-joiner': '\u200c',
  'zero width joiner': '\u200d',
  'left-to-right mark': '\u200e',
  'right-to-left mark': '\u200f',
  'arabic letter mark': '\u061c',
  'left-to-right embedding': '\u202a',
  'right-to-left embedding': '\u202b',
  'pop directional formatting': '\u202c',
  'left-to-right override': '\u202d',
  'right-to-left override': '\u202e',
  'word joiner': '\u2060',
  'left-to-right isolate': '\u2066',
  'right-to-left isolate': '\u2067',
  'first strong isolate': '\u2068',
  'pop directional isolate': '\u2069',
  'byte order mark (zero width no-break space)': '\ufeff',
};

describe('inert', () => {
  it.each(Object.entries(INVISIBLE))('shows a %s as a visible escape', (_name, char) => {
    const shown = inert(`a${char}b`);
    expect(shown).toBe(`a\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}b`);
  });

  it('keeps what a reader sees as it is: letters of every script, emoji, line breaks and tabs', () => {
    const text = 'Grüße · שלום · مرحبا · 日本 · 🚀\n\tnext line';
    expect(inert(text)).toBe(text);
  });

  it('is idempotent: what it shows passes through unchanged', () => {
    const once = inert('\u202efdp.exe\u001b[31m');
    expect(inert(once)).toBe(once);
  });
});

describe('inertJson', () => {
  it('is JSON of the same data, with invisible and control characters as \\u escapes in its text', () => {
    const value = { reason: 'fine\u202e\u200bdenifed', log: '\u001b[31mred\u0085', nested: [{ name: 'a\u2066b' }] };
    const json = inertJson(value);
    // eslint-disable-next-line no-control-regex -- the point: none of them may be in the text
    expect(json).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * `value` equals the golden file `<name>.json` in `directory`. With UPDATE_GOLDEN=1 the file is written first:
 * review its diff before committing it.
 */
export function expectGoldenJson(directory: URL, name: string, value: unknown): void {
  const file = new URL(`${name}.json`, directory);
  const json = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, json);
  }
  if (!existsSync(file)) throw new Error(`golden file ${file.pathname} is missing: run the test with UPDATE_GOLDEN=1 and review it`);
  expect(JSON.parse(json)).toEqual(JSON.parse(readFileSync(file, 'utf8')));
}

/** mulberry32: a small seeded generator of numbers in [0, 1), so that a failure of a property test can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

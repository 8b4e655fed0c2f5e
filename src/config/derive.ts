import { z } from 'zod';
import type { Setting } from './settings.ts';

type Tree = Map<string, Tree | z.ZodType>;

/**
 * The YAML schema of each top-level section that the settings' file paths name: strict nested
 * objects, so that a misspelt key is refused, with every key optional and `key:` left empty the same as absent.
 */
export function fileSections(settings: readonly Setting[]): Map<string, z.ZodType> {
  const root: Tree = new Map();
  for (const setting of settings) {
    if (setting.file === undefined) continue;
    const keys = setting.file.split('.');
    const leaf = keys.pop() as string;
    let node = root;
    for (const key of keys) {
      const next = node.get(key) ?? new Map();
      if (!(next instanceof Map)) throw new Error(`settings: ${setting.file} lies inside another setting's value`);
      node.set(key, next);
      node = next;
    }
    if (node.has(leaf)) throw new Error(`settings: ${setting.file} is the file path of two settings`);
    node.set(leaf, setting.schema);
  }
  const sections = new Map<string, z.ZodType>();
  for (const [key, node] of root) {
    if (!(node instanceof Map)) throw new Error(`settings: ${key} must be a section, e.g. ${key}.name`);
    sections.set(key, objectOf(node));
  }
  return sections;
}

function objectOf(tree: Tree): z.ZodType {
  const shape = Object.fromEntries([...tree].map(([key, node]) => [key, (node instanceof Map ? objectOf(node) : node).nullish()]));
  return z.object(shape).strict();
}

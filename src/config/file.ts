import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** The YAML file named by CONNECTOR_OPS_CONFIG: top-level sections, each checked by the reader that asks for it. */
export class ConfigFile {
  readonly path: string;
  readonly #sections: Record<string, unknown>;
  readonly #asked = new Set<string>();

  constructor(path: string, sections: Record<string, unknown>) {
    this.path = path;
    this.#sections = sections;
  }

  /** A place in the file for a message, e.g. `connectors[0].url`. */
  at(where: string): string {
    return `CONNECTOR_OPS_CONFIG file ${this.path}: ${where}`;
  }

  problem(where: string, text: string): string {
    return `${this.at(where)} ${text}`;
  }

  /**
   * One section, checked by its schema: undefined when absent, empty (`key:` with every entry
   * commented out is null in YAML) or invalid. Messages name the path, never the value, which may be a secret.
   */
  section<S extends z.ZodType>(key: string, schema: S, problems: string[]): z.output<S> | undefined {
    this.#asked.add(key);
    const value = this.#sections[key];
    if (value === undefined || value === null) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) problems.push(this.problem(`${key}${pathText(issue.path)}`, issue.message));
    return undefined;
  }

  /** Refuses the top-level keys no reader asked for: a misspelt section would be ignored otherwise. */
  refuseUnread(problems: string[]): void {
    const unread = Object.keys(this.#sections).filter((key) => !this.#asked.has(key));
    const known = [...this.#asked].join(', ');
    for (const key of unread) problems.push(this.problem('(top level)', `has unknown key ${JSON.stringify(key)}; the sections are ${known}`));
  }
}

export function readConfigFile(path: string | undefined, problems: string[]): ConfigFile | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(`CONNECTOR_OPS_CONFIG names ${JSON.stringify(path)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  let data: unknown;
  try {
    data = parseYaml(text) ?? {};
  } catch (error) {
    problems.push(`CONNECTOR_OPS_CONFIG file ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`CONNECTOR_OPS_CONFIG file ${path}: (top level) must be a mapping of sections such as connectors and checks`);
    return undefined;
  }
  return new ConfigFile(path, data as Record<string, unknown>);
}

/** `[0].url` for the path [0, 'url']. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
}

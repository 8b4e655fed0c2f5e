import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { redactAddress } from '../logging/redact.ts';
import { fileSections } from './derive.ts';
import { readConfigFile, type ConfigFile } from './file.ts';
import { SETTING_ROWS, SETTINGS, type Setting } from './settings.ts';

export type Env = Record<string, string | undefined>;

/** Where a value came from, for a message that names its source. */
export interface Resolved<T> {
  value: T;
  from: 'env' | 'file' | 'default';
}

const FILE_SECTIONS = fileSections(SETTING_ROWS);

/** A configured value as a problem quotes it: in quotes, with any credentials of an address masked. */
export function quoted(value: string): string {
  return JSON.stringify(redactAddress(value));
}

/**
 * The environment and the YAML file it names, read for the section readers: they collect every
 * problem (so that all are reported at once) and every secret value (for the redactor).
 */
export class Sources {
  readonly env: Env;
  readonly problems: string[] = [];
  readonly secrets: string[] = [];
  readonly file: ConfigFile | undefined;
  readonly #fileValues = new Map<string, unknown>();

  constructor(env: Env) {
    this.env = env;
    this.file = readConfigFile(this.read(SETTINGS.CONNECTOR_OPS_CONFIG), this.problems);
    for (const [key, schema] of FILE_SECTIONS) this.#fileValues.set(key, this.file?.section(key, schema, this.problems));
  }

  /** The setting's value: the environment's, else the file's, else its default. */
  read<S extends z.ZodType, D>(setting: Setting<S, D>): z.output<S> | D {
    return this.resolve(setting).value;
  }

  resolve<S extends z.ZodType, D>(setting: Setting<S, D>): Resolved<z.output<S> | D> {
    const raw = this.#variable(setting);
    if (raw !== undefined) {
      if (setting.secret) this.secrets.push(raw);
      const parsed = setting.schema.safeParse(raw);
      if (parsed.success) return { value: parsed.data, from: 'env' };
      // Not secret, yet it may carry credentials (a URL with user:password@, with or without its scheme): masked.
      const shown = setting.secret ? '(value hidden)' : `got ${quoted(raw)}`;
      this.problems.push(`${setting.env} ${parsed.error.issues[0]?.message ?? 'is invalid'}, ${shown}`);
    }
    const fromFile = setting.file === undefined ? undefined : this.#fileValue(setting.file);
    if (fromFile !== undefined) {
      if (setting.secret) this.secrets.push(String(fromFile));
      return { value: fromFile as z.output<S>, from: 'file' };
    }
    // A copy: a list default must not be shared by every Config loaded.
    return { value: structuredClone(setting.default), from: 'default' };
  }

  /** A secret given in the YAML file itself or in the file it names (`apiKeyFile`), added to the secrets. */
  secretOf(value: string | undefined, path: string | undefined, what: string): string | undefined {
    const secret = value ?? (path === undefined ? undefined : this.#secretFile(path, what));
    if (secret) this.secrets.push(secret);
    return secret;
  }

  /** NAME or, for a secret, NAME_FILE (Docker secrets); both at once is an error, since one would silently win. */
  #variable(setting: Setting): string | undefined {
    const direct = this.env[setting.env]?.trim() || undefined;
    const fileVariable = `${setting.env}_FILE`;
    const path = setting.secret ? this.env[fileVariable] || undefined : undefined;
    if (path !== undefined && direct !== undefined) {
      this.problems.push(`${setting.env} and ${fileVariable} are both set; set only one`);
      return undefined;
    }
    return path === undefined ? direct : this.#secretFile(path, fileVariable);
  }

  #secretFile(path: string, what: string): string | undefined {
    try {
      const value = readFileSync(path, 'utf8').trim();
      if (value === '') this.problems.push(`${what} names ${JSON.stringify(path)}, which is empty`);
      return value || undefined;
    } catch (error) {
      this.problems.push(`${what} names ${JSON.stringify(path)}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return undefined;
    }
  }

  /** The file's value at a path such as `checks.timeoutMs`, already checked by its section's schema. */
  #fileValue(path: string): unknown {
    const [section = '', ...keys] = path.split('.');
    let node = this.#fileValues.get(section);
    for (const key of keys) node = (node as Record<string, unknown> | null | undefined)?.[key];
    return node ?? undefined;
  }
}

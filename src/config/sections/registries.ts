import { z } from 'zod';
import type { RegistryCredentials } from '../config.ts';
import { SETTINGS } from '../settings.ts';
import type { Sources } from '../sources.ts';

/** One registry in the YAML file, keyed by its host. */
const registrySchema = z
  .object({
    username: z.string().optional(),
    password: z.string().optional(),
    passwordFile: z.string().optional(),
    insecure: z.boolean().default(false),
  })
  .strict();

/** Credentials per registry host: the YAML file's, then REGISTRY_* for one host, then REGISTRY_INSECURE. */
export function readRegistries(sources: Sources): Record<string, RegistryCredentials> {
  const registries: Record<string, RegistryCredentials> = {};
  const fromFile = sources.file?.section('registries', z.record(z.string(), registrySchema), sources.problems) ?? {};
  for (const [host, r] of Object.entries(fromFile)) {
    const password = sources.secretOf(r.password, r.passwordFile, `registries "${host}" passwordFile`);
    registries[host] = { username: r.username, password, insecure: r.insecure };
  }
  const host = sources.read(SETTINGS.REGISTRY_HOST);
  const username = sources.read(SETTINGS.REGISTRY_USERNAME);
  const password = sources.read(SETTINGS.REGISTRY_PASSWORD);
  if (host) {
    registries[host] = { ...registries[host], username, password, insecure: registries[host]?.insecure ?? false };
  } else if (username || password) {
    sources.problems.push('REGISTRY_USERNAME and REGISTRY_PASSWORD need REGISTRY_HOST (e.g. ghcr.io)');
  }
  for (const insecure of sources.read(SETTINGS.REGISTRY_INSECURE)) {
    registries[insecure] = { ...registries[insecure], insecure: true };
  }
  return registries;
}

import type { ImageReference } from './reference.ts';

/** What the checks need from a registry: tag lists and manifest digests. HEAD and list requests only, never a pull. */
export interface RegistryReader {
  /** All tags of the image's repository (every page). Throws RegistryError. */
  listTags(image: ImageReference, signal?: AbortSignal): Promise<string[]>;
  /** The digest the registry serves for a tag (or digest) of the image's repository. Throws RegistryError. */
  manifestDigest(image: ImageReference, tagOrDigest: string, signal?: AbortSignal): Promise<string>;
}

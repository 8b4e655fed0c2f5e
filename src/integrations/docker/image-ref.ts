/** The repository part of an image reference: no tag, no digest (`ghcr.io/nmshd/connector:7.4.6` → `ghcr.io/nmshd/connector`). */
export function imageRepository(ref: string): string {
  const withoutDigest = ref.split('@')[0] ?? ref;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  // A colon after the last slash starts the tag; one before it belongs to a registry port.
  return lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
}

/**
 * Connector images: any registry host, any tag, a repository that ends in `nmshd/connector`. Lenient on
 * purpose, unlike the registry's parser: recognising a repository needs no valid tag or digest.
 */
export function isConnectorImage(ref: string): boolean {
  const repository = imageRepository(ref);
  return repository === 'nmshd/connector' || repository.endsWith('/nmshd/connector');
}

import { describe, expect, it } from 'vitest';
import {
  digestsInRepository,
  formatImageReference,
  InvalidImageReferenceError,
  parseImageReference,
  registryApiHost,
} from '../../src/integrations/registry/reference.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    ['ghcr.io/nmshd/connector:7.4.6', { registry: 'ghcr.io', repository: 'nmshd/connector', tag: '7.4.6' }],
    ['ghcr.io/nmshd/connector', { registry: 'ghcr.io', repository: 'nmshd/connector', tag: 'latest' }],
    ['nmshd/connector', { registry: 'docker.io', repository: 'nmshd/connector', tag: 'latest' }],
    ['busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['busybox:1.36', { registry: 'docker.io', repository: 'library/busybox', tag: '1.36' }],
    ['docker.io/busybox', { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' }],
    ['index.docker.io/nmshd/connector:7', { registry: 'docker.io', repository: 'nmshd/connector', tag: '7' }],
    ['localhost/x', { registry: 'localhost', repository: 'x', tag: 'latest' }],
    ['localhost:5000/x:1.0.0', { registry: 'localhost:5000', repository: 'x', tag: '1.0.0' }],
    ['127.0.0.1:5000/nmshd/connector:7.4.6', { registry: '127.0.0.1:5000', repository: 'nmshd/connector', tag: '7.4.6' }],
    ['[::1]:5000/nmshd/connector', { registry: '[::1]:5000', repository: 'nmshd/connector', tag: 'latest' }],
    ['registry.example.com:8443/a/b/c:v1-rc.2', { registry: 'registry.example.com:8443', repository: 'a/b/c', tag: 'v1-rc.2' }],
  ])('%s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual(expected);
  });

  it('keeps a digest and has no default tag when pinned by digest', () => {
    expect(parseImageReference(`127.0.0.1:5000/nmshd/connector@${DIGEST}`)).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'nmshd/connector',
      digest: DIGEST,
    });
  });

  it('keeps both tag and digest', () => {
    expect(parseImageReference(`ghcr.io/nmshd/connector:7.4.6@${DIGEST}`)).toEqual({
      registry: 'ghcr.io',
      repository: 'nmshd/connector',
      tag: '7.4.6',
      digest: DIGEST,
    });
  });

  it('treats a first component without dot, port or uppercase as a Docker Hub namespace', () => {
    expect(parseImageReference('nmshd/connector/sub').registry).toBe('docker.io');
    expect(parseImageReference('Myhost/connector').registry).toBe('Myhost');
  });

  it.each(['', 'Busybox', 'ghcr.io/nmshd/Connector:1', 'ghcr.io/nmshd/connector:', 'x@sha256:short', 'a//b', 'ghcr.io/'])(
    'rejects %j',
    (reference) => {
      expect(() => parseImageReference(reference)).toThrow(InvalidImageReferenceError);
    },
  );
});

describe('registryApiHost', () => {
  it('sends Docker Hub to registry-1.docker.io and everything else to itself', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });
});

describe('formatImageReference', () => {
  it('shows names as Docker does', () => {
    expect(formatImageReference(parseImageReference('busybox'))).toBe('busybox:latest');
    expect(formatImageReference(parseImageReference('nmshd/connector:7.4.6'))).toBe('nmshd/connector:7.4.6');
    expect(formatImageReference(parseImageReference('ghcr.io/nmshd/connector:7.4.6'))).toBe('ghcr.io/nmshd/connector:7.4.6');
  });
});

describe('digestsInRepository', () => {
  const other = `sha256:${'b'.repeat(64)}`;
  it('keeps the digests of the same registry and repository only', () => {
    const image = parseImageReference('ghcr.io/nmshd/connector:latest');
    const repoDigests = [
      `ghcr.io/nmshd/connector@${DIGEST}`,
      `nmshd/connector@${other}`, // Docker Hub, same path: another registry
      `ghcr.io/nmshd/connector-tools@${other}`,
      'not a reference',
    ];
    expect(digestsInRepository(repoDigests, image)).toEqual([DIGEST]);
  });

  it('matches Docker Hub digests in their short form', () => {
    expect(digestsInRepository([`busybox@${DIGEST}`], parseImageReference('docker.io/library/busybox:1.36'))).toEqual([DIGEST]);
  });
});

import { describe, expect, it } from 'vitest';
import { isConnectorImage } from '../../src/integrations/docker/image-ref.ts';

describe('isConnectorImage', () => {
  it.each([
    'ghcr.io/nmshd/connector:7.4.6',
    'ghcr.io/nmshd/connector',
    'nmshd/connector:latest',
    '127.0.0.1:5000/nmshd/connector:7.4.6',
    'registry.example.com:443/mirror/nmshd/connector:7.5.0-beta.1',
    'ghcr.io/nmshd/connector@sha256:' + 'a'.repeat(64),
    'ghcr.io/nmshd/connector:7.4.6@sha256:' + 'b'.repeat(64),
  ])('%s is a Connector image', (ref) => {
    expect(isConnectorImage(ref)).toBe(true);
  });

  it.each([
    'ghcr.io/nmshd/connector-ops:1.0.0',
    'nmshd/connector-tools',
    'evil/nmshd-connector',
    'mongo:7',
    '<none>:<none>',
    'sha256:' + 'c'.repeat(64),
    '',
  ])('%s is not', (ref) => {
    expect(isConnectorImage(ref)).toBe(false);
  });
});

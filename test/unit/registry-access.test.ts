import { describe, expect, it } from 'vitest';
import { accessFor, allowsPlainHttp, isLoopbackHost, registryBaseUrl } from '../../src/integrations/registry/access.ts';

describe('registryBaseUrl', () => {
  it('uses HTTPS for every registry that is neither loopback nor configured insecure', () => {
    expect(registryBaseUrl({}, 'ghcr.io')).toBe('https://ghcr.io');
    expect(registryBaseUrl({}, 'docker.io')).toBe('https://registry-1.docker.io');
    expect(registryBaseUrl({}, '10.0.0.5:5000')).toBe('https://10.0.0.5:5000');
    expect(registryBaseUrl({}, 'registry.example.com:5000')).toBe('https://registry.example.com:5000');
    // Credentials alone do not make a registry insecure.
    expect(registryBaseUrl({ 'registry.example.com': { username: 'u', password: 'p' } }, 'registry.example.com')).toBe(
      'https://registry.example.com',
    );
    expect(registryBaseUrl({ 'registry.example.com': { insecure: false } }, 'registry.example.com')).toBe('https://registry.example.com');
  });

  it('uses plain HTTP for loopback registries, as Docker does', () => {
    expect(registryBaseUrl({}, '127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(registryBaseUrl({}, '127.1.2.3:5000')).toBe('http://127.1.2.3:5000');
    expect(registryBaseUrl({}, 'localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl({}, '[::1]:5000')).toBe('http://[::1]:5000');
  });

  it('uses plain HTTP for registries configured insecure, matching host names case-insensitively', () => {
    expect(registryBaseUrl({ 'Registry.Example.com:5000': { insecure: true } }, 'registry.example.com:5000')).toBe(
      'http://registry.example.com:5000',
    );
    expect(registryBaseUrl({ 'registry.example.com:5000': { insecure: true } }, 'registry.example.com:5001')).toBe(
      'https://registry.example.com:5001',
    );
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.1:5000', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]:443', true],
    ['128.0.0.1', false],
    ['localhost.example.com', false],
    ['127.0.0.1.nip.io', false],
    ['ghcr.io', false],
    ['[2001:db8::1]:5000', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('accessFor', () => {
  it('finds Docker Hub credentials under any of its names, including the config.json URL form', () => {
    const hub = { username: 'u', password: 'p' };
    expect(accessFor({ 'https://index.docker.io/v1/': hub }, 'docker.io')).toBe(hub);
    expect(accessFor({ 'docker.io': hub }, 'docker.io')).toBe(hub);
    expect(accessFor({ 'ghcr.io': hub }, 'docker.io')).toBeUndefined();
  });

  it('lets a token service over plain HTTP through only where plain HTTP is allowed', () => {
    expect(allowsPlainHttp({}, '127.0.0.1:5001')).toBe(true);
    expect(allowsPlainHttp({}, 'auth.example.com')).toBe(false);
    expect(allowsPlainHttp({ 'auth.example.com': { insecure: true } }, 'auth.example.com')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = resolve(import.meta.dirname, '../../examples/connector-ops.service');

/** The unit's settings by section and key, each key's values in order (a key may be given more than once). */
function settings(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  let section = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) section = header[1]!;
    else {
      const at = line.indexOf('=');
      const key = `${section}.${line.slice(0, at)}`;
      found.set(key, [...(found.get(key) ?? []), line.slice(at + 1)]);
    }
  }
  return found;
}

describe('examples/connector-ops.service', () => {
  const unit = settings(readFileSync(UNIT, 'utf8'));
  const one = (key: string) => unit.get(`Service.${key}`)?.at(-1);

  it('keeps the store in the state directory systemd makes, the one place it may write', () => {
    const stateDirectory = one('StateDirectory');
    expect(stateDirectory).toBe('connector-ops');
    expect(unit.get('Service.Environment')).toContain(`DATA_DIR=%S/${stateDirectory}`);
    expect(one('ProtectSystem')).toBe('strict');
    expect(unit.get('Service.ReadWritePaths')).toBeUndefined();
  });

  it('runs hardened: no new privileges, no capabilities, a user of its own, no home, no devices', () => {
    expect(one('NoNewPrivileges')).toBe('yes');
    expect(one('DynamicUser')).toBe('yes');
    expect(one('CapabilityBoundingSet')).toBe('');
    expect(one('ProtectHome')).toBe('yes');
    expect(one('PrivateDevices')).toBe('yes');
    expect(one('PrivateTmp')).toBe('yes');
    expect(one('RestrictSUIDSGID')).toBe('yes');
    expect(unit.get('Service.SystemCallFilter')).toEqual(['@system-service', '~@privileged']);
  });

  it('starts the command npm install -g puts on the PATH, with its settings from a file only root need read', () => {
    expect(one('ExecStart')).toBe('/usr/local/bin/connector-ops start');
    expect(one('EnvironmentFile')).toBe('/etc/connector-ops/connector-ops.env');
    expect(one('Restart')).toBe('on-failure');
    expect(unit.get('Install.WantedBy')).toEqual(['multi-user.target']);
  });
});

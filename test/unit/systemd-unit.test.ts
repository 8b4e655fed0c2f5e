import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../../src/config/settings.ts';
import { unitSettings } from '../support/systemd-unit.ts';

const UNIT = resolve(import.meta.dirname, '../../examples/connector-ops.service');

describe('examples/connector-ops.service', () => {
  const unit = unitSettings(readFileSync(UNIT, 'utf8'));
  const one = (key: string) => unit.get(`Service.${key}`)?.at(-1);

  it('keeps the store in the state directory systemd makes, the one place it may write', () => {
    const stateDirectory = one('StateDirectory');
    expect(stateDirectory).toBe('connector-ops');
    expect(unit.get('Service.Environment')).toContain(`DATA_DIR=%S/${stateDirectory}`);
    expect(one('ProtectSystem')).toBe('strict');
    expect(unit.get('Service.ReadWritePaths')).toBeUndefined();
  });

  it('sets only variables connector-ops reads, and Node.js options as the image runs it with', () => {
    const variables = (unit.get('Service.Environment') ?? []).map((assignment) => assignment.split('=')[0]!);
    expect(variables.filter((name) => !(name in SETTINGS) && name !== 'NODE_OPTIONS')).toEqual([]);
    expect(unit.get('Service.Environment')).toContain('NODE_OPTIONS=--max-semi-space-size=16');
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

import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { selectUpdate, versionOfTag } from '../../src/checks/image-update-versions.ts';

const TAGS = ['7.3.0', '7.4.6', '7.5.0', '7.5.2', '7.6.0-beta.1', '8.0.0', '8.1.0-rc.1', 'latest', 'alpha', 'beta', 'rc', '1234', 'a1b2c3d', '7.5'];
const v = (text: string) => semver.parse(text)!;

describe('versionOfTag', () => {
  it('reads plain and v-prefixed versions and prereleases', () => {
    expect(versionOfTag('7.4.6')?.version).toBe('7.4.6');
    expect(versionOfTag('v7.4.6')?.version).toBe('7.4.6');
    expect(versionOfTag('7.6.0-beta.1')?.prerelease).toEqual(['beta', 1]);
  });

  it.each(['latest', 'alpha', 'beta', 'rc', '1234', 'a1b2c3d4e5f6', '7.5', '7', '07.4.6', 'sha256-abc.sig'])('%s names no version', (tag) => {
    expect(versionOfTag(tag)).toBeUndefined();
  });
});

describe('selectUpdate', () => {
  it('recommends the newest version of the running major and names a newer major separately', () => {
    const selection = selectUpdate(TAGS, v('7.4.6'), false);
    expect(selection.recommended?.tag).toBe('7.5.2');
    expect(selection.newerMajor?.tag).toBe('8.0.0');
    expect(selection.newest?.tag).toBe('8.0.0');
    expect(selection.prereleasesIgnored).toBe(2);
  });

  it('never recommends a new major, even when it is the only newer version', () => {
    const selection = selectUpdate(['7.5.2', '8.0.0'], v('7.5.2'), false);
    expect(selection.recommended).toBeUndefined();
    expect(selection.newerMajor?.tag).toBe('8.0.0');
  });

  it('has nothing to recommend when the newest version runs', () => {
    const selection = selectUpdate(['7.5.2', '7.4.6', 'latest'], v('7.5.2'), false);
    expect(selection).toEqual({ newest: { tag: '7.5.2', version: v('7.5.2') }, prereleasesIgnored: 0 });
  });

  it('names the newest of the higher majors as the migration', () => {
    expect(selectUpdate(['8.0.0', '8.2.1', '9.0.0', '9.1.0'], v('7.4.6'), false).newerMajor?.tag).toBe('9.1.0');
  });

  it('considers prereleases only when asked', () => {
    expect(selectUpdate(TAGS, v('7.5.2'), false).recommended).toBeUndefined();
    expect(selectUpdate(TAGS, v('7.5.2'), true).recommended?.tag).toBe('7.6.0-beta.1');
    expect(selectUpdate(TAGS, v('8.0.0'), true).recommended?.tag).toBe('8.1.0-rc.1');
    expect(selectUpdate(TAGS, v('7.5.2'), true).prereleasesIgnored).toBe(0);
  });

  it('moves a container on a prerelease to the stable release of its major', () => {
    expect(selectUpdate(['7.5.2', '7.6.0'], v('7.6.0-beta.1'), false).recommended?.tag).toBe('7.6.0');
  });

  it('prefers the plain tag when a version is tagged both with and without v', () => {
    expect(selectUpdate(['v7.5.0', '7.5.0'], v('7.4.6'), false).recommended?.tag).toBe('7.5.0');
  });

  it('without a running version, tells only the newest version', () => {
    const selection = selectUpdate(TAGS, undefined, false);
    expect(selection.newest?.tag).toBe('8.0.0');
    expect(selection.recommended).toBeUndefined();
    expect(selection.newerMajor).toBeUndefined();
  });

  it('finds nothing in a list without versions', () => {
    expect(selectUpdate(['latest', 'main', 'sha-abc'], v('7.4.6'), false)).toEqual({ prereleasesIgnored: 0 });
  });
});

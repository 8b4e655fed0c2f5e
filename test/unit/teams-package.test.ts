import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../src/domain/verbs.ts';
import { colorIcon, outlineIcon } from '../../scripts/teams/icons.ts';
import { appPackage, MANIFEST_TEMPLATE, menuCommands, packageSettings, type PackageSettings } from '../../scripts/teams/manifest.ts';

const SETTINGS: PackageSettings = { appId: '6f1b2c3d-1111-2222-3333-444455556666', websiteUrl: 'https://ops.example.org/connector-ops', version: '0.1.0' };
const SCRIPT = new URL('../../scripts/teams-package.ts', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'teams-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The entries of a zip, read from its central directory as any unzip reads them (written independently of our writer). */
function unzip(archive: Buffer): Map<string, Buffer> {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(archive.readUInt32LE(at)).toBe(0x02014b50);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const size = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skip = nameLength + archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const name = archive.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = archive.readUInt32LE(at + 42);
    expect(archive.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const stored = archive.subarray(start, start + size);
    const data = method === 8 ? inflateRawSync(stored) : stored;
    expect(crc32(data)).toBe(crc);
    entries.set(name, data);
    at += 46 + skip;
  }
  return entries;
}

/** Width, height, colour type and the RGBA or RGB bytes of a PNG whose scanlines are unfiltered (ours are). */
function readPng(png: Buffer): { width: number; height: number; colourType: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const colourType = png[25]!;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * (colourType === 6 ? 4 : 3);
  const rows = Array.from({ length: height }, (_, y) => {
    expect(raw[y * (stride + 1)]).toBe(0);
    return raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
  });
  return { width, height, colourType, pixels: Buffer.concat(rows) };
}

interface Manifest {
  $schema: string;
  manifestVersion: string;
  id: string;
  version: string;
  name: { short: string; full: string };
  description: { short: string; full: string };
  developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
  icons: unknown;
  accentColor: string;
  bots: Array<{ botId: string; scopes: string[]; commandLists: Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }> }>;
}

describe('the Teams app package', () => {
  const entries = unzip(appPackage(SETTINGS));
  const manifest = JSON.parse(entries.get('manifest.json')!.toString('utf8')) as Manifest;

  it('is a zip of manifest.json and the two icons, at its top level', () => {
    expect([...entries.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
  });

  it('the colour icon is 192×192 and opaque; the outline icon 32×32, white on transparent', () => {
    const color = readPng(entries.get('color.png')!);
    expect([color.width, color.height, color.colourType]).toEqual([192, 192, 6]);
    for (let i = 3; i < color.pixels.length; i += 4) expect(color.pixels[i]).toBe(255);
    const outline = readPng(entries.get('outline.png')!);
    expect([outline.width, outline.height, outline.colourType]).toEqual([32, 32, 6]);
    const alphas = new Set<number>();
    for (let i = 0; i < outline.pixels.length; i += 4) {
      expect([...outline.pixels.subarray(i, i + 3)]).toEqual([255, 255, 255]);
      alphas.add(outline.pixels[i + 3]!);
    }
    expect(outline.pixels[3]).toBe(0);
    expect(alphas.has(0) && alphas.has(255)).toBe(true);
  });

  it('the manifest is on schema 1.22, with the app id as the app’s and the bot’s id and nothing left to fill in', () => {
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.22');
    expect(manifest.id).toBe(SETTINGS.appId);
    expect(manifest.version).toBe('0.1.0');
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]!.botId).toBe(SETTINGS.appId);
    expect(manifest.bots[0]!.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.developer).toMatchObject({ websiteUrl: SETTINGS.websiteUrl, privacyUrl: SETTINGS.websiteUrl, termsOfUseUrl: SETTINGS.websiteUrl });
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(JSON.stringify(manifest)).not.toContain('${{');
    // The schema's limits on what we write.
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.name.full.length).toBeLessThanOrEqual(100);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
    expect(manifest.developer.name.length).toBeLessThanOrEqual(32);
    expect(manifest.accentColor).toMatch(/^#[0-9A-F]{6}$/i);
  });

  it('the command list is the verb table’s: `connector <verb>` and its summary, at most 10 commands in at most 3 lists', () => {
    const lists = manifest.bots[0]!.commandLists;
    expect(lists.length).toBeLessThanOrEqual(3);
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const list of lists) {
      expect(list.commands.length).toBeGreaterThan(0);
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        const verb = /^connector ([a-z-]+)$/.exec(command.title)?.[1];
        const spec = VERBS.find((v) => v.verb === verb);
        expect(spec, command.title).toBeDefined();
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description).toBe(spec!.summary);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
      expect(list.commands.map((c) => c.title)).toContain('connector health');
      expect(list.commands.map((c) => c.title)).toContain('connector help');
    }
  });

  it('manifests/teams holds the same command list and icons as the package (regenerated by the code, never edited apart)', () => {
    const template = JSON.parse(readFileSync(MANIFEST_TEMPLATE, 'utf8')) as { bots: Array<{ commandLists: Array<{ commands: unknown }> }> };
    for (const list of template.bots[0]!.commandLists) expect(list.commands).toEqual(menuCommands());
    expect(readFileSync(new URL('color.png', MANIFEST_TEMPLATE))).toEqual(colorIcon());
    expect(readFileSync(new URL('outline.png', MANIFEST_TEMPLATE))).toEqual(outlineIcon());
  });

  it('the same settings make the same bytes', () => {
    expect(appPackage(SETTINGS)).toEqual(appPackage(SETTINGS));
  });
});

describe('npm run teams:package', () => {
  const run = (env: Record<string, string>, out: string) =>
    spawnSync(process.execPath, [SCRIPT, out], { cwd: work, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 20_000 });

  it('refuses clearly without the app id, and with one that is no client id', () => {
    const missing = run({ TEAMS_WEBSITE_URL: 'https://ops.example.org' }, join(work, 'a.zip'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('TEAMS_APP_ID is not set: the Microsoft App ID (client id) of the bot’s app registration');
    const wrong = run({ TEAMS_APP_ID: 'my-bot', TEAMS_WEBSITE_URL: 'http://ops.example.org' }, join(work, 'a.zip'));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('TEAMS_APP_ID "my-bot" is not an app registration’s client id');
    expect(wrong.stderr).toContain('TEAMS_WEBSITE_URL "http://ops.example.org" is not an https URL');
  });

  it('builds the zip with the app id from TEAMS_APP_ID or the Agents SDK’s client id setting', () => {
    const out = join(work, 'connector-ops.zip');
    const done = run({ connections__serviceConnection__settings__clientId: SETTINGS.appId.toUpperCase(), TEAMS_WEBSITE_URL: SETTINGS.websiteUrl }, out);
    expect(done.stderr).toBe('');
    expect(done.status).toBe(0);
    const manifest = JSON.parse(unzip(readFileSync(out)).get('manifest.json')!.toString('utf8')) as { id: string };
    expect(manifest.id).toBe(SETTINGS.appId);
    expect(packageSettings({ TEAMS_APP_ID: SETTINGS.appId, connections__serviceConnection__settings__clientId: 'other', TEAMS_WEBSITE_URL: SETTINGS.websiteUrl }, '1.0.0').settings?.appId).toBe(SETTINGS.appId);
  });
});

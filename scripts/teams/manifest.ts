import { readFileSync } from 'node:fs';
import { VERBS, type VerbName } from '../../src/domain/verbs.ts';
import { colorIcon, outlineIcon } from './icons.ts';
import { zip } from './zip.ts';

/** What people reach for first; Teams shows at most 10 commands in a bot's menu (bots[].commandLists[].commands). */
export const MENU_VERBS: readonly VerbName[] = ['help', 'connectors', 'status', 'health', 'resources', 'logs', 'updates', 'requests', 'alerts', 'subscribe'];

const MAX_TITLE = 32;
const MAX_DESCRIPTION = 128;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const APP_ID_PLACEHOLDER = '${{TEAMS_APP_ID}}';
const WEBSITE_PLACEHOLDER = '${{TEAMS_WEBSITE_URL}}';
const VERSION_PLACEHOLDER = '${{VERSION}}';

export const MANIFEST_TEMPLATE = new URL('../../manifests/teams/manifest.json', import.meta.url);

export interface PackageSettings {
  /** The Microsoft App ID (client id) of the bot's app registration: the manifest's id and the bot's id. */
  appId: string;
  /** An https page of the operator's: Teams requires a website, a privacy statement and terms of use. */
  websiteUrl: string;
  /** The app's version, from package.json. */
  version: string;
}

export interface Command {
  title: string;
  description: string;
}

/** The menu's commands, from the verb table: typed as `connector <verb>` (Teams adds the mention in channels). */
export function menuCommands(): Command[] {
  return MENU_VERBS.map((verb) => {
    const spec = VERBS.find((v) => v.verb === verb);
    if (!spec) throw new Error(`${verb} is not in the verb table`);
    const description = spec.summary.length <= MAX_DESCRIPTION ? spec.summary : `${spec.summary.slice(0, MAX_DESCRIPTION - 1)}…`;
    return { title: `connector ${verb}`.slice(0, MAX_TITLE), description };
  });
}

/** The settings from the environment (and `.env`), or every problem with them. */
export function packageSettings(env: Record<string, string | undefined>, version: string): { settings?: PackageSettings; problems: string[] } {
  const problems: string[] = [];
  const appId = (env['TEAMS_APP_ID'] || env['connections__serviceConnection__settings__clientId'] || '').trim();
  const websiteUrl = (env['TEAMS_WEBSITE_URL'] ?? '').trim();
  if (!appId) problems.push('TEAMS_APP_ID is not set: the Microsoft App ID (client id) of the bot’s app registration (Azure portal → App registrations → Application (client) ID)');
  else if (!GUID.test(appId)) problems.push(`TEAMS_APP_ID ${JSON.stringify(appId.slice(0, 60))} is not an app registration’s client id (a GUID such as 00000000-0000-0000-0000-000000000000)`);
  if (!websiteUrl) problems.push('TEAMS_WEBSITE_URL is not set: an https page of yours; Teams shows it as the app’s website, privacy statement and terms of use');
  else if (!isHttps(websiteUrl)) problems.push(`TEAMS_WEBSITE_URL ${JSON.stringify(websiteUrl.slice(0, 100))} is not an https URL`);
  return problems.length > 0 ? { problems } : { settings: { appId: appId.toLowerCase(), websiteUrl, version }, problems };
}

/** manifests/teams/manifest.json with the settings filled in and the command list from the verb table. */
export function appManifest(settings: PackageSettings, template: string = readFileSync(MANIFEST_TEMPLATE, 'utf8')): Record<string, unknown> {
  const filled = template.replaceAll(APP_ID_PLACEHOLDER, settings.appId).replaceAll(WEBSITE_PLACEHOLDER, settings.websiteUrl).replaceAll(VERSION_PLACEHOLDER, settings.version);
  const manifest = JSON.parse(filled) as { bots: Array<{ commandLists: Array<{ commands: Command[] }> }> };
  for (const bot of manifest.bots) for (const list of bot.commandLists) list.commands = menuCommands();
  return manifest as unknown as Record<string, unknown>;
}

/** The app package Teams takes: manifest.json and the two icons at the top of a zip. */
export function appPackage(settings: PackageSettings): Buffer {
  return zip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(appManifest(settings), null, 2)}\n`) },
    { name: 'color.png', data: colorIcon() },
    { name: 'outline.png', data: outlineIcon() },
  ]);
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * `npm run teams:package`: the Teams app package (manifest.json and the two icons in a zip) to upload in
 * Teams or the Teams admin center, with the bot's app id filled in. Reads TEAMS_APP_ID (or the Agents SDK's
 * connections__serviceConnection__settings__clientId) and TEAMS_WEBSITE_URL from the environment or `.env`;
 * refuses, naming what is missing, when they are not there. Writes dist/teams/connector-ops.zip, or the path
 * given as its argument.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { withDotEnv } from '../src/config/load.ts';
import { appPackage, packageSettings } from './teams/manifest.ts';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const { settings, problems } = packageSettings(withDotEnv(process.env), version);
if (!settings) {
  console.error(`teams:package: cannot build the Teams app package:\n- ${problems.join('\n- ')}`);
  process.exit(2);
}
const out = resolve(process.argv[2] ?? 'dist/teams/connector-ops.zip');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, appPackage(settings));
console.log(`teams:package: ${out} (manifest.json, color.png, outline.png) for app ${settings.appId}, version ${version}`);
console.log('Upload it in Teams: Apps → Manage your apps → Upload an app → Upload a custom app (or in the Teams admin center).');

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_ENGINE, type EngineSettings } from '../config.ts';
import type { ConfigFile } from '../file.ts';
import { SETTINGS } from '../settings.ts';
import { quoted, type Sources } from '../sources.ts';
import { isLocalSocket, nonEmpty } from '../values.ts';
import type { ConfiguredConnector } from './connectors.ts';
import { dockerTarget, type DockerTarget } from './docker-target.ts';

/** `engines:` in the YAML file: engines to discover connectors on, also when no connector names them. */
const engineList = z.array(dockerTarget.extend({ name: nonEmpty.optional() }).strict());

/** Where docker-modem and the docker CLI look when DOCKER_HOST is unset: a connector naming it is on the default engine. */
const UNSET_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** An engine being put together, with who set what, so that a contradiction names both sides. */
interface Draft {
  settings: EngineSettings;
  /** The host that identifies it. */
  host: string;
  by: string;
  tlsVerifyBy?: string;
  certPathBy?: string;
}

/**
 * Every engine: the default one (DOCKER_*) first, then those of `engines:`, then those only connectors
 * name. Sets each configured connector's `engine`: connectors naming one host share its engine.
 */
export function readEngines(sources: Sources, configured: readonly ConfiguredConnector[]): EngineSettings[] {
  const drafts = [defaultEngine(sources)];
  const { file } = sources;
  if (file) {
    const listed = file.section('engines', engineList, sources.problems) ?? [];
    listed.forEach((entry, i) => addListed(sources, file, drafts, entry, `engines[${i}]`));
  }
  for (const c of configured) {
    c.connector.engine = file && c.docker ? engineOf(sources, file, drafts, c.docker, `${c.label}.docker`) : DEFAULT_ENGINE;
  }
  // One agent for every ssh:// engine, as for the ssh command.
  const sshAgent = sources.read(SETTINGS.SSH_AUTH_SOCK);
  return drafts.map((d) => (sshAgent === undefined ? d.settings : { ...d.settings, sshAgent }));
}

function defaultEngine(sources: Sources): Draft {
  const host = sources.read(SETTINGS.DOCKER_HOST);
  const tlsVerify = sources.resolve(SETTINGS.DOCKER_TLS_VERIFY);
  const certPath = sources.read(SETTINGS.DOCKER_CERT_PATH);
  if (certPath && !isLocalSocket(host)) checkCertFiles(sources, certPath, 'DOCKER_CERT_PATH');
  return {
    settings: { name: DEFAULT_ENGINE, host, tlsVerify: tlsVerify.value, certPath },
    host: host ?? UNSET_DOCKER_HOST,
    by: 'DOCKER_HOST',
    tlsVerifyBy: tlsVerify.from === 'env' ? 'DOCKER_TLS_VERIFY' : undefined,
    certPathBy: certPath ? 'DOCKER_CERT_PATH' : undefined,
  };
}

function addListed(sources: Sources, file: ConfigFile, drafts: Draft[], entry: DockerTarget & { name?: string }, where: string): void {
  const name = entry.name ?? entry.host;
  const sameHost = drafts.find((d) => d.host === entry.host);
  if (sameHost?.settings.name === DEFAULT_ENGINE) {
    sources.problems.push(file.problem(where, `has host ${quoted(entry.host)}, the default engine's (DOCKER_HOST); list only further engines`));
    return;
  }
  if (sameHost) {
    sources.problems.push(file.problem(`${sameHost.by} and ${where}`, `both have host ${quoted(entry.host)}; list each engine once`));
    return;
  }
  if (!isUnique(sources, file, drafts, name, where)) return;
  checkTarget(sources, file, entry, where);
  drafts.push({
    settings: { name, host: entry.host, tlsVerify: entry.tlsVerify ?? SETTINGS.DOCKER_TLS_VERIFY.default, certPath: entry.certPath },
    host: entry.host,
    by: where,
    tlsVerifyBy: entry.tlsVerify === undefined ? undefined : `${where}.tlsVerify`,
    certPathBy: entry.certPath === undefined ? undefined : `${where}.certPath`,
  });
}

/** The name of the engine at the connector's host: a known one, given the connector's TLS settings agree, or a new one. */
function engineOf(sources: Sources, file: ConfigFile, drafts: Draft[], docker: DockerTarget, where: string): string {
  checkTarget(sources, file, docker, where);
  const draft = drafts.find((d) => d.host === docker.host);
  if (!draft) {
    const name = docker.host;
    if (!isUnique(sources, file, drafts, name, `${where}.host`)) return name;
    drafts.push({
      settings: { name, host: docker.host, tlsVerify: docker.tlsVerify ?? SETTINGS.DOCKER_TLS_VERIFY.default, certPath: docker.certPath },
      host: docker.host,
      by: `${where}.host`,
      tlsVerifyBy: docker.tlsVerify === undefined ? undefined : `${where}.tlsVerify`,
      certPathBy: docker.certPath === undefined ? undefined : `${where}.certPath`,
    });
    return name;
  }
  if (docker.tlsVerify !== undefined) {
    if (draft.tlsVerifyBy && draft.settings.tlsVerify !== docker.tlsVerify) {
      sources.problems.push(contradiction(file, draft, 'tlsVerify', draft.tlsVerifyBy, `${where}.tlsVerify`, [draft.settings.tlsVerify, docker.tlsVerify]));
    } else {
      draft.settings.tlsVerify = docker.tlsVerify;
      draft.tlsVerifyBy = `${where}.tlsVerify`;
    }
  }
  if (docker.certPath !== undefined) {
    if (draft.certPathBy && draft.settings.certPath !== docker.certPath) {
      sources.problems.push(contradiction(file, draft, 'certPath', draft.certPathBy, `${where}.certPath`, [draft.settings.certPath, docker.certPath]));
    } else {
      draft.settings.certPath = docker.certPath;
      draft.certPathBy = `${where}.certPath`;
    }
  }
  return draft.settings.name;
}

function contradiction(file: ConfigFile, draft: Draft, field: string, first: string, second: string, values: unknown[]): string {
  return file.problem(
    `${first} and ${second}`,
    `give the engine at ${quoted(draft.host)} different ${field} (${values.map((v) => JSON.stringify(v)).join(' and ')}); connectors on one host share its engine, so give them one ${field}`,
  );
}

/** Engine names are how chat and reports tell engines apart: `default` is DOCKER_HOST's, and no two are alike. */
function isUnique(sources: Sources, file: ConfigFile, drafts: readonly Draft[], name: string, where: string): boolean {
  const taken = drafts.find((d) => d.settings.name === name);
  if (!taken) return true;
  const text = taken.settings.name === DEFAULT_ENGINE
    ? file.problem(where, `names an engine "${DEFAULT_ENGINE}", which is reserved for the engine of DOCKER_HOST; give it another name`)
    : file.problem(`${taken.by} and ${where}`, `both name an engine ${quoted(name)}; give each engine its own name`);
  sources.problems.push(text);
  return false;
}

function checkTarget(sources: Sources, file: ConfigFile, target: DockerTarget, where: string): void {
  if (target.certPath && !isLocalSocket(target.host)) checkCertFiles(sources, target.certPath, file.at(`${where}.certPath`));
}

/** The files docker-modem reads for TLS, checked at start so that the answer names the setting. */
function checkCertFiles(sources: Sources, certPath: string, what: string): void {
  for (const name of ['ca.pem', 'cert.pem', 'key.pem']) {
    try {
      readFileSync(join(certPath, name));
    } catch (error) {
      sources.problems.push(`${what} names ${JSON.stringify(certPath)}, whose ${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
}

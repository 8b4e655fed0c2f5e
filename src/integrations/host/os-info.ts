import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { abortable } from '../abortable.ts';

/** The operating system of the host the bot runs on. */
export interface HostOsInfo {
  /** e.g. `Debian GNU/Linux`, `Ubuntu`, `macOS` */
  distro: string;
  /** e.g. `12`, `24.04.1 LTS` */
  release: string;
  codename?: string;
  /** e.g. `6.1.0-18-amd64` */
  kernel: string;
  arch: string;
}

export interface HostOsReader {
  hostOs(signal: AbortSignal): Promise<HostOsInfo>;
}

/** Where os-release(5) says the file is, in the order to try. */
const OS_RELEASE_FILES = ['/etc/os-release', '/usr/lib/os-release'];

/**
 * The bot's own host. On Linux from os-release(5), read as a file: systeminformation's osInfo() also asks for
 * the host name, MAC addresses and code page through synchronous child processes, which held the event loop
 * for 100-400 ms in every report. Elsewhere through systeminformation. When Docker runs on another host, this
 * is not the Connector's host: the engine's own answer (EngineInfo) tells that host's kernel.
 */
export class LocalHostOs implements HostOsReader {
  async hostOs(signal: AbortSignal): Promise<HostOsInfo> {
    const machine = { kernel: os.release(), arch: os.arch() };
    if (os.platform() === 'linux') return { ...((await readOsRelease(signal)) ?? fromNodeOs()), ...machine };
    try {
      // Loaded here, off Linux only: on Linux no run of the bot needs it.
      const { default: si } = await import('systeminformation');
      const info = await abortable(si.osInfo(), signal);
      return {
        distro: info.distro || os.type(),
        release: info.release || os.release(),
        ...(info.codename ? { codename: info.codename } : {}),
        kernel: info.kernel || machine.kernel,
        arch: info.arch || machine.arch,
      };
    } catch (error) {
      if (signal.aborted) throw error;
      // systeminformation shells out for some fields; node:os always answers.
      return { ...fromNodeOs(), ...machine };
    }
  }
}

function fromNodeOs(): Pick<HostOsInfo, 'distro' | 'release'> {
  return { distro: os.type(), release: os.release() };
}

/** The first os-release file there is, read; undefined when none can be read. */
async function readOsRelease(signal: AbortSignal): Promise<Pick<HostOsInfo, 'distro' | 'release' | 'codename'> | undefined> {
  for (const file of OS_RELEASE_FILES) {
    try {
      return osRelease(await readFile(file, { encoding: 'utf8', signal }));
    } catch (error) {
      if (signal.aborted) throw error;
    }
  }
  return undefined;
}

/**
 * The distribution, release and codename an os-release file names: NAME; VERSION without the codename in
 * parentheses that many distributions add (`12 (bookworm)`), else VERSION_ID, else BUILD_ID (`rolling`);
 * VERSION_CODENAME, else that parenthesised name.
 */
export function osRelease(text: string): Pick<HostOsInfo, 'distro' | 'release' | 'codename'> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*?)\s*$/.exec(line);
    if (match) fields.set(match[1]!, unquote(match[2]!));
  }
  const version = /^(.*?)\s*(?:\((.+)\))?$/.exec(fields.get('VERSION') ?? '');
  const codename = fields.get('VERSION_CODENAME') || version?.[2];
  return {
    distro: fields.get('NAME') || 'Linux',
    release: version?.[1] || fields.get('VERSION_ID') || fields.get('BUILD_ID') || '',
    ...(codename ? { codename } : {}),
  };
}

/** A shell-style value: in double or single quotes, or bare, with backslash escapes. */
function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return (quoted ? quoted[2]! : value).replace(/\\(.)/g, '$1');
}

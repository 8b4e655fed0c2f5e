import os from 'node:os';
import si from 'systeminformation';
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

/**
 * The bot's own host through systeminformation (os-release on Linux). When Docker runs on another host,
 * this is not the Connector's host: the engine's own answer (EngineInfo) tells that host's kernel.
 */
export class LocalHostOs implements HostOsReader {
  async hostOs(signal: AbortSignal): Promise<HostOsInfo> {
    try {
      const info = await abortable(si.osInfo(), signal);
      return {
        distro: info.distro || os.type(),
        release: info.release || os.release(),
        ...(info.codename ? { codename: info.codename } : {}),
        kernel: info.kernel || os.release(),
        arch: info.arch || os.arch(),
      };
    } catch (error) {
      if (signal.aborted) throw error;
      // systeminformation shells out for some fields; node:os always answers.
      return { distro: os.type(), release: os.release(), kernel: os.release(), arch: os.arch() };
    }
  }
}

import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../logging/logger.ts';

/** Bolt's and the Socket Mode client's logging into ours (redacted, structured): one log, whatever writes to it. */
export function boltLogger(logger: Logger): SlackLogger {
  const child = logger.child({ component: 'slack' });
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  return {
    debug: (...parts) => child.debug(text(parts)),
    info: (...parts) => child.info(text(parts)),
    warn: (...parts) => child.warn(text(parts)),
    error: (...parts) => child.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

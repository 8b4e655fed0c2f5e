import type { Config } from './config/config.ts';
import { parseDuration } from './domain/duration.ts';
import { inertJson } from './domain/inert.ts';
import { auditMessage } from './domain/requests-message.ts';
import { renderText } from './chat/text/render.ts';
import { createLogger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { createServices } from './root.ts';

const EXIT_USAGE = 64;

export const AUDIT_HELP = `  connector-ops audit [--since <7d|24h|30m>] [--connector <name>] [--json]
                                        the audit log; --json: one JSON object per line, for a SIEM`;

/**
 * `connector-ops audit`: the audit log, oldest first. With --json one object per line (JSON Lines):
 * {"seq","at","event","requestId","connector","operation","actor":{"platform","id","displayName"},"detail"}.
 */
export async function runAudit(args: string[], config: Config, redactor: Redactor): Promise<number> {
  let json = false;
  let since: Date | undefined;
  let connector: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const valueOf = (name: string) => (arg.includes('=') ? arg.slice(name.length + 1) : args[++i]);
    if (arg === '--json') json = true;
    else if (arg === '--since' || arg.startsWith('--since=')) {
      const text = valueOf('--since') ?? '';
      const ms = parseDuration(text);
      if (ms === undefined) {
        process.stderr.write(`connector-ops audit: "--since ${text}" is not a duration; expected e.g. 30m, 24h or 7d.\n`);
        return EXIT_USAGE;
      }
      since = new Date(Date.now() - ms);
    } else if (arg === '--connector' || arg.startsWith('--connector=')) {
      connector = valueOf('--connector');
      if (!connector) {
        process.stderr.write('connector-ops audit: "--connector" needs a connector name.\n');
        return EXIT_USAGE;
      }
    } else {
      process.stderr.write(`connector-ops audit: unknown argument "${arg}". Valid options: --since <7d|24h|30m>, --connector <name>, --json.\n`);
      return EXIT_USAGE;
    }
  }
  const logger = createLogger({ level: 'warn', redactor, pretty: false, destination: 'stderr' });
  const services = createServices(config, logger, redactor);
  try {
    const entries = services.operations.auditEntries({ ...(since && { since }), ...(connector && { connector }) });
    if (json) {
      for (const entry of entries) process.stdout.write(`${inertJson(redactor.redactDeep({ ...entry, at: entry.at.toISOString() }))}\n`);
    } else {
      process.stdout.write(`${redactor.redact(renderText(auditMessage(entries, connector)).text)}\n`);
    }
    return 0;
  } finally {
    services.close();
  }
}

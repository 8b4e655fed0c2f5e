import type { Config } from './config/config.ts';
import { parseDuration } from './domain/duration.ts';
import { inertJson } from './domain/inert.ts';
import { auditMessage } from './domain/requests-message.ts';
import { renderText } from './chat/text/render.ts';
import { inert } from './domain/inert.ts';
import { createLogger } from './logging/logger.ts';
import type { Redactor } from './logging/redact.ts';
import { createServices } from './root.ts';
import { EXIT_USAGE } from './cli-usage.ts';
import { describeBreak, type ChainAnchor } from './store/audit-chain.ts';

/**
 * `connector-ops audit`: the audit log, oldest first. With --json one object per line (JSON Lines):
 * {"seq","at","event","requestId","connector","operation","actor":{"platform","id","displayName"},"detail","prevHash","hash"}.
 */
export async function runAudit(args: string[], config: Config, redactor: Redactor): Promise<number> {
  if (args.includes('--verify')) return runVerify(args.filter((arg) => arg !== '--verify'), config, redactor);
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
      process.stderr.write(`connector-ops audit: unknown argument "${arg}". Valid options: --since <7d|24h|30m>, --connector <name>, --json; or --verify [--anchor <entry>:<hash>] alone.\n`);
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

/**
 * `connector-ops audit --verify`: the whole hash chain, oldest first. Exit 0 intact (with the latest entry's hash,
 * to note elsewhere as an anchor), 1 broken, naming the first entry that does not hold.
 */
async function runVerify(args: string[], config: Config, redactor: Redactor): Promise<number> {
  let anchor: ChainAnchor | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--anchor' || arg.startsWith('--anchor=')) {
      const text = (arg.includes('=') ? arg.slice('--anchor='.length) : args[++i]) ?? '';
      const match = /^(\d+):([0-9a-f]{64})$/i.exec(text);
      if (!match) {
        process.stderr.write(`connector-ops audit: "--anchor ${inert(text)}" is not an anchor; expected --anchor <entry>:<hash> as audit --verify printed it (a number, a colon, 64 hex digits).\n`);
        return EXIT_USAGE;
      }
      anchor = { seq: Number(match[1]), hash: match[2]!.toLowerCase() };
    } else {
      process.stderr.write(`connector-ops audit --verify: unknown argument "${inert(arg)}". Valid option: --anchor <entry>:<hash>.\n`);
      return EXIT_USAGE;
    }
  }
  const logger = createLogger({ level: 'warn', redactor, pretty: false, destination: 'stderr' });
  const services = createServices(config, logger, redactor);
  try {
    const verdict = (await services.auditChain.verify(anchor ? { anchor } : {}))!;
    if (!verdict.intact) {
      const before = verdict.entries === 1 ? '1 entry before it holds' : `${verdict.entries} entries before it hold`;
      process.stdout.write(`${redactor.redact(inert(`audit log broken at ${describeBreak(verdict.broken)}. ${before}.`))}\n`);
      return 1;
    }
    const { latest } = verdict;
    const anchored = anchor ? `; entry ${anchor.seq} has the anchored hash` : '';
    process.stdout.write(
      latest
        ? `audit log intact: ${verdict.entries} entries verified${anchored}. The latest, entry ${latest.seq} (${latest.at.toISOString()}), has the hash\n  ${latest.seq}:${latest.hash}\nNote it elsewhere; later, connector-ops audit --verify --anchor ${latest.seq}:${latest.hash} also finds the log rewritten up to there.\n`
        : 'audit log intact: no entries yet.\n',
    );
    return 0;
  } finally {
    services.close();
  }
}

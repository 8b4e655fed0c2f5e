import { CHECK_IDS } from './domain/check-result.ts';

// The usage texts and exit code, apart from the commands: `--help` prints them without loading any command.

/** The exit code of a usage error (sysexits' EX_USAGE). */
export const EXIT_USAGE = 64;

const AUDIT_HELP = `  connector-ops audit [--since <7d|24h|30m>] [--connector <name>] [--json]
                                        the audit log; --json: one JSON object per line, for a SIEM
  connector-ops audit --verify [--anchor <entry>:<hash>]
                                        verify the audit log's hash chain: exit 0 intact, 1 broken
                                        (naming the first bad entry); --anchor: a hash noted earlier`;

export const HELP = `connector-ops: operate enmeshed Connectors from Slack, Microsoft Teams and the terminal

Usage:
  connector-ops [start]                 run the bot: HTTP server (/healthz, /readyz, /metrics) and chat;
                                        the console chat when no chat platform is configured
  connector-ops console                 the terminal chat only (also reads commands from a pipe)
  connector-ops check [connector...] [--only <ids>] [--since <24h|30m|7d>] [--details] [--json]
                                        run the checks once and print the report
${AUDIT_HELP}
  connector-ops --help | --version

check:
  --only <ids>   comma-separated check ids: ${CHECK_IDS.join(', ')}
  --since <dur>  how far back the error-logs check reads (as /connector logs --since; at most 30d)
  --details      every detail of every check, not only the summary line of each
  --json         the report as JSON (always with every detail; schema: schemas/report.schema.json):
                 {"status","generatedAt","connectors":[{"name","status","checks":[{"id","status","summary","details","findings","data"}],"notChecked"}]}
  exit code      0 ok, 1 warn, 2 critical, 3 unknown (and nothing worse)

Configuration comes from the environment and .env; see .env.example and the README.
Invalid configuration stops with exit code 2 and names the variable.`;

import type { Command } from './command.ts';
import { parseCommand } from './command.ts';
import { findConnector, type Connector } from './connector.ts';
import { durationOption } from './duration.ts';
import { helpMessage, usageMessage } from './help-message.ts';
import type { Message } from './message.ts';
import { textMessage } from './message.ts';
import type { ConnectorDirectory, ReportRunner } from './ports.ts';
import { reportMessage } from './report-message.ts';
import { findVerb } from './verbs.ts';

export interface CommandOutcome {
  message: Message;
  /** For metrics and logs: the verb, or `invalid`. */
  verb: string;
}

/** Turns what a person typed into a reply. Never throws: every failure becomes a message. */
export class CommandHandler {
  private readonly directory: ConnectorDirectory;
  private readonly runner: ReportRunner;

  constructor(
    directory: ConnectorDirectory,
    runner: ReportRunner,
  ) {
    this.directory = directory;
    this.runner = runner;
  }

  async handle(input: string): Promise<CommandOutcome> {
    const parsed = parseCommand(input);
    if (!parsed.ok) return { verb: 'invalid', message: usageMessage(parsed.problem, parsed.spec) };
    const { command } = parsed;
    try {
      return { verb: command.verb, message: await this.execute(command) };
    } catch (error) {
      // A bug of ours must not reach chat as a stack trace; the caller logs the error itself.
      return {
        verb: command.verb,
        message: textMessage(`"/connector ${command.verb}" failed unexpectedly: ${(error as Error).message}. The bot keeps running; see its log.`, 'unknown'),
      };
    }
  }

  private async execute(command: Command): Promise<Message> {
    if (command.verb === 'help') return helpMessage(command.topic);
    const { connectors, problem } = await this.directory.list();
    if (command.verb === 'connectors') return connectorsMessage(connectors, problem);

    const selected = selectConnectors(connectors, command.connector, problem);
    if ('message' in selected) return selected.message;
    if (selected.connectors.length === 0) {
      return textMessage(
        `No connectors to check. ${problem ?? 'None is configured and none was discovered on the Docker engine (containers of an image ending in nmshd/connector).'} Configure one with CONNECTOR_CONTAINER or CONNECTOR_URL.`,
        'unknown',
      );
    }
    const spec = findVerb(command.verb)!;
    const report = await this.runner.run(selected.connectors, spec.checks ?? [], { logWindowMs: command.sinceMs });
    const target = command.connector ? ` ${selected.connectors[0]!.name}` : '';
    const title = `${spec.verb === 'status' ? 'Status' : spec.verb[0]!.toUpperCase() + spec.verb.slice(1)}${
      target ? ` · ${selected.connectors[0]!.name}` : ''
    }`;
    const since = command.sinceMs ? ` --since ${durationOption(command.sinceMs)}` : '';
    return reportMessage(report, {
      title,
      details: command.details,
      detailsCommand: `/connector ${spec.verb}${target}${since} --details`,
    });
  }
}

function selectConnectors(
  connectors: Connector[],
  name: string | undefined,
  problem: string | undefined,
): { connectors: Connector[] } | { message: Message } {
  if (!name) return { connectors };
  const match = findConnector(connectors, name);
  if (match) return { connectors: [match] };
  const known = connectors.map((c) => c.name);
  return {
    message: usageMessage(
      `Unknown connector "${name}". ${known.length > 0 ? `Known connectors: ${known.join(', ')}.` : `No connectors are configured or discovered.${problem ? ` ${problem}` : ''}`}`,
    ),
  };
}

function connectorsMessage(connectors: Connector[], problem?: string): Message {
  if (connectors.length === 0) {
    return textMessage(`No connectors configured or discovered.${problem ? ` ${problem}` : ''}`, 'unknown');
  }
  return {
    text: `Connectors: ${connectors.map((c) => c.name).join(', ')}`,
    blocks: [
      { type: 'header', text: 'Connectors' },
      {
        type: 'fields',
        fields: connectors.map((c) => ({
          label: c.name,
          value: [c.container ? `container ${c.container}` : undefined, c.url, c.source === 'discovered' ? 'discovered' : 'configured']
            .filter(Boolean)
            .join(' · '),
        })),
      },
      ...(problem ? [{ type: 'context' as const, text: problem }] : []),
    ],
  };
}

/**
 * What Slack delivers, checked before Bolt sees it. Bolt reads fields of a body without asking whether they
 * are there (a correctly signed `payload=null` ended the process inside Bolt), and our listeners read the
 * user, the channel and the actions. The kinds follow Bolt's own order of telling them apart (an `event`,
 * then a `command`, ...); a kind the bot does not subscribe to is refused as well, since nothing would answer it.
 * Problems name fields and kinds, never values: they go to the log.
 */

type Fields = Record<string, unknown>;

/** What is wrong with a delivery's body; undefined when Bolt and the listeners can take it. */
export function deliveryProblem(body: unknown): string | undefined {
  if (!isFields(body)) return `the body is ${kindOf(body)}, not an object`;
  if (body.ssl_check !== undefined) return undefined;
  if (body.type === 'url_verification') return typeof body.challenge === 'string' ? undefined : 'url_verification without a challenge';
  if (body.event !== undefined) return eventProblem(body);
  if (body.command !== undefined) return commandProblem(body);
  if (body.type === 'block_actions') return blockActionsProblem(body);
  return `a delivery of a kind this bot does not handle (type ${typeText(body.type)})`;
}

const ENVELOPE_TYPES = new Set(['slash_commands', 'interactive', 'events_api']);
const CONNECTION_MESSAGES = new Set(['hello', 'disconnect']);

/**
 * What is wrong with a Socket Mode message; undefined when it may go on to Bolt. An envelope that is refused
 * still names its id, so that it can be acknowledged (Slack would deliver it again otherwise).
 */
export function socketMessageProblem(message: unknown): { problem: string; envelopeId?: string } | undefined {
  if (!isFields(message)) return { problem: `a Socket Mode message that is ${kindOf(message)}, not an object` };
  if (typeof message.type === 'string' && CONNECTION_MESSAGES.has(message.type)) return undefined;
  if (typeof message.envelope_id !== 'string') return { problem: `a Socket Mode message without an envelope_id (type ${typeText(message.type)})` };
  const envelopeId = message.envelope_id;
  if (typeof message.type !== 'string' || !ENVELOPE_TYPES.has(message.type)) return { problem: `an envelope of a type this bot does not handle (${typeText(message.type)})`, envelopeId };
  if (message.type === 'events_api' && !(isFields(message.payload) && isFields(message.payload.event))) {
    return { problem: 'an events_api envelope whose payload has no event object', envelopeId };
  }
  const problem = deliveryProblem(message.payload);
  return problem === undefined ? undefined : { problem: `${message.type} envelope: ${problem}`, envelopeId };
}

function eventProblem(body: Fields): string | undefined {
  const { event } = body;
  if (!isFields(event)) return `event is ${kindOf(event)}, not an object`;
  if (typeof event.type !== 'string') return 'an event without a type';
  if (event.channel !== undefined && typeof event.channel !== 'string' && !isFields(event.channel)) return 'event.channel is neither an id nor an object';
  if (event.item !== undefined && !isFields(event.item)) return 'event.item is not an object';
  if (body.authorizations !== undefined && !(Array.isArray(body.authorizations) && body.authorizations.every(isFields))) return 'authorizations is not a list of objects';
  if (event.type === 'app_home_opened' && typeof event.user !== 'string') return 'app_home_opened without a user';
  return undefined;
}

const COMMAND_FIELDS = ['command', 'text', 'user_id', 'channel_id', 'trigger_id'] as const;
const OPTIONAL_COMMAND_FIELDS = ['user_name', 'channel_name', 'response_url', 'team_id', 'enterprise_id'] as const;

function commandProblem(body: Fields): string | undefined {
  const missing = COMMAND_FIELDS.filter((field) => typeof body[field] !== 'string');
  if (missing.length > 0) return `a slash command without ${missing.join(', ')}`;
  const odd = OPTIONAL_COMMAND_FIELDS.filter((field) => body[field] !== undefined && typeof body[field] !== 'string');
  return odd.length > 0 ? `a slash command whose ${odd.join(', ')} ${odd.length > 1 ? 'are' : 'is'} not text` : undefined;
}

function blockActionsProblem(body: Fields): string | undefined {
  const { user, actions } = body;
  if (!isFields(user) || typeof user.id !== 'string') return 'block_actions without a user id';
  if (!optional(user.name, 'string') || !optional(user.username, 'string') || !optional(user.team_id, 'string')) return 'block_actions whose user names are not text';
  if (!Array.isArray(actions) || actions.length === 0) return 'block_actions without actions';
  if (!actions.every((action) => isFields(action) && typeof action.action_id === 'string' && optional(action.action_ts, 'string') && optional(action.value, 'string'))) {
    return 'block_actions with an action that is not an object with an action_id';
  }
  for (const field of ['channel', 'container', 'message', 'view'] as const) {
    if (body[field] !== undefined && !isFields(body[field])) return `block_actions whose ${field} is not an object`;
  }
  const channel = body.channel as Fields | undefined;
  if (channel && (typeof channel.id !== 'string' || !optional(channel.name, 'string'))) return 'block_actions whose channel has no id';
  if (!optional(body.response_url, 'string')) return 'block_actions whose response_url is not text';
  return undefined;
}

function optional(value: unknown, type: 'string'): boolean {
  return value === undefined || typeof value === type;
}

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `type` field as a problem names it: the start of its text, or what it is instead. */
function typeText(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : kindOf(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return value === undefined ? 'missing' : `a ${typeof value}`;
}

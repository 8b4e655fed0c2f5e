/**
 * The part of Adaptive Cards 1.5 the renderer writes: no more, so that the tests can hold every card to it.
 * Teams' own extension is `msteams.width`.
 */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: typeof ADAPTIVE_CARD_SCHEMA;
  version: '1.5';
  /** Reports and lists read better across the whole width of the chat than in Teams' narrow default. */
  msteams?: { width: 'Full' };
  body: CardElement[];
  actions?: CardAction[];
}

export type CardElement = TextBlock | FactSet | ActionSet | Container | Image;

interface ElementCommon {
  /** A line above the element: the neutral message's divider. */
  separator?: true;
  spacing?: 'None' | 'Small' | 'Medium';
}

export interface TextBlock extends ElementCommon {
  type: 'TextBlock';
  text: string;
  wrap: true;
  size?: 'Small' | 'Large';
  weight?: 'Bolder';
  color?: 'Good' | 'Warning' | 'Attention';
  isSubtle?: true;
}

export interface FactSet extends ElementCommon {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
}

export interface ActionSet extends ElementCommon {
  type: 'ActionSet';
  actions: CardAction[];
}

export interface Container extends ElementCommon {
  type: 'Container';
  style?: 'good' | 'warning' | 'attention' | 'emphasis';
  bleed?: true;
  items: CardElement[];
}

export interface Image extends ElementCommon {
  type: 'Image';
  /** A `data:image/png;base64,` URI: the chart travels inside the card, no URL to host or to leak. */
  url: string;
  altText: string;
  size?: 'Stretch';
}

export type CardAction = ExecuteAction | ShowCardAction;

export interface ExecuteAction {
  type: 'Action.Execute';
  id: string;
  title: string;
  verb: typeof TEAMS_COMMAND_VERB;
  /** What our button carries: the command line it runs, exactly as the console would run it. */
  data: { command: string };
  style?: 'positive' | 'destructive';
}

export interface ShowCardAction {
  type: 'Action.ShowCard';
  id: string;
  title: string;
  style?: 'positive' | 'destructive';
  /** Shown inside the card, under the button; a card inside a card has no version of its own. */
  card: { type: 'AdaptiveCard'; body: CardElement[]; actions: CardAction[] };
}

export const ADAPTIVE_CARD_SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** The one verb of every button: the command is in `data`, like Slack's button value, so one invoke route serves them all. */
export const TEAMS_COMMAND_VERB = 'connector.run';

export interface CardAttachment {
  contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  content: AdaptiveCard;
}

export function cardAttachment(card: AdaptiveCard): CardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/**
 * Our limits for a Teams message and its Adaptive Card (docs/chat-platforms.md, teams-design §5). Lengths
 * are JavaScript string lengths, which are UTF-16 code units: what Teams counts, never fewer.
 */
export const TEAMS_LIMITS = {
  /**
   * A bot message's limit reads 40 KB (UTF-16, images not counted) on some of Microsoft's pages and about
   * 100 KB on others; 28 KB stays under every reading. The card gets 25 KB of it, images counted, and 3 KB
   * stay for the activity around it (the summary, ids, the conversation, the service URL).
   */
  cardBytes: 25 * 1024,
  messageBytes: 28 * 1024,
  /** Continuation cards after the first before the rest is left out with a note. */
  cards: 3,
  /** A chart's PNG as a data: URI; a larger one would leave too little room for the report's text. */
  imageChars: 12_000,
  title: 150,
  text: 3000,
  factTitle: 200,
  factValue: 2000,
  confirmText: 300,
  actionTitle: 75,
  altText: 250,
  /** A button's command: as long as Slack allows, so that both offer the same buttons. */
  command: 2000,
  /** Teams shows at most this many actions of an action set. */
  actionsPerSet: 6,
  /** The notification text (the activity's summary). */
  summary: 250,
} as const;

/** What Teams counts of a card or an activity: its JSON in UTF-16, two bytes per code unit. */
export function utf16Bytes(value: unknown): number {
  return JSON.stringify(value).length * 2;
}

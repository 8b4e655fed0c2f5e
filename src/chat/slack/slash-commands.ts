/**
 * The slash commands the Slack app answers: `/connector`, and `/connector-ops` where another app of the workspace
 * has taken `/connector`. manifests/slack/manifest.yml declares each of them (a test compares the two).
 */
export const SLASH_COMMANDS = ['/connector', '/connector-ops'] as const;

/** Bolt's matcher for a delivery's `command`. */
export const SLASH_COMMAND_MATCHER = new RegExp(`^(?:${SLASH_COMMANDS.map((command) => command.replace(/[/-]/g, '\\$&')).join('|')})$`);

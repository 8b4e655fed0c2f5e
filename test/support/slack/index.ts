/** The loopback Slack for tests: start a SlackStandin, point the real SDKs at it. See standin.ts. */
export { SlackStandin, type SlackStandinOptions } from './standin.ts';
export { signedRequest, signedText, signature, post, type SignedRequest, type SignOptions, type PostResult } from './signing.ts';
export type { ScriptedAnswer } from './faults.ts';
export { buttonFor, type Block, type BlockLimits } from './blocks.ts';
export type { ApiCall, PostedMessage, EphemeralMessage, Upload, ResponsePost } from './state.ts';
export type { ResponseTarget } from './response-url.ts';
export type { Envelope, EnvelopeInput, EnvelopeType, SocketAck, SocketOptions } from './socket.ts';
export type {
  SlackPayload,
  SlashCommandPayload,
  BlockActionsPayload,
  ButtonActionPayload,
  EventCallbackPayload,
  UrlVerificationPayload,
  SlashCommandOptions,
  BlockActionsOptions,
} from './payloads.ts';
export type { Workspace, WorkspaceOptions, StandinUser, StandinChannel, StandinUserGroup } from './workspace.ts';

import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { CloudAdapter, ConnectorClient, OutboundHostValidator, type HeaderPropagationCollection, type HttpRequestConfig, type NextFunction, type Request, type TurnContext, type WebResponse } from '@microsoft/agents-hosting';
import type { TeamsSettings } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import { describeConnectorFailure, guardConnectorClient, type ConnectorCallPolicy } from './connector-guard.ts';
import { answerInvoke } from './invoke-response.ts';
import { authConfiguration } from './teams-auth.ts';
import { VerifiedTokens } from './verified-tokens.ts';

/** The claims of a validated token, as the SDK hands them on. */
export type Claims = NonNullable<Request['user']>;

/**
 * The Agents SDK's CloudAdapter, with what it leaves open closed:
 * - its options and its outbound host policy passed explicitly (else read from `CloudAdapterOptions__*` and
 *   `OutboundHostValidator__*` in the environment): only the configured Teams hosts are posted to;
 * - every connector client it makes is guarded (a timeout on every call, 429 tried again) and made lazily: the
 *   SDK fetches the outbound token in process(), before any handler runs, so a token service that is down would
 *   fail the whole request; lazily, it fails the first post, where it is seen and handled;
 * - its turn error handler, which posts "The agent encountered an error or bug." into the chat, only logs.
 */
export class TeamsCloudAdapter extends CloudAdapter {
  readonly appId: string;
  private readonly hosts: OutboundHostValidator;
  private readonly policy: ConnectorCallPolicy;
  private readonly logger: Logger;
  private readonly verified = new VerifiedTokens();

  constructor(settings: TeamsSettings, policy: ConnectorCallPolicy, logger: Logger) {
    const hosts = new OutboundHostValidator({ enabled: true, includeDefaultMicrosoftHosts: false, hosts: settings.serviceHosts });
    super(authConfiguration(settings), undefined, undefined, { validateServiceUrl: true, emitStackTrace: false }, hosts);
    this.appId = settings.clientId;
    this.hosts = hosts;
    this.policy = policy;
    this.logger = logger;
    this.onTurnError = async (context: TurnContext, error: Error) => this.turnFailed(context, error);
  }

  /** The SDK's JWT check, once per token: a token validated before is taken with its claims until it expires. */
  override async authorizeRequest(req: Request, res: WebResponse, next: NextFunction): Promise<void> {
    const token = /^Bearer (\S+)$/i.exec(String(req.headers['authorization'] ?? ''))?.[1];
    const known = token === undefined ? undefined : this.verified.claimsOf(token);
    if (known) {
      req.user = known as Claims;
      next();
      return;
    }
    let passed = false;
    await super.authorizeRequest(req, res, () => {
      passed = true;
    });
    if (!passed) return;
    if (token !== undefined && req.user) this.verified.add(token, req.user as Record<string, unknown>);
    next();
  }

  /** Whether replies may go to this service URL: its host is one of TEAMS_SERVICE_HOSTS. */
  postsTo(serviceUrl: string): boolean {
    return this.hosts.isAllowed(serviceUrl);
  }

  /** A client for posting outside of any request (replies after the acknowledgement, proactive posts), as the app itself. */
  async connectorFor(serviceUrl: string, conversationId: string): Promise<ConnectorClient> {
    const continuation = Activity.fromObject({ type: ActivityTypes.Event, channelId: 'msteams', serviceUrl, conversation: { id: conversationId } });
    return this.createConnectorClientWithIdentity(CloudAdapter.createIdentity(this.appId), continuation);
  }

  protected override async createConnectorClient(serviceUrl: string, scope: string, identity: Claims, headers?: HeaderPropagationCollection): Promise<ConnectorClient> {
    return guardConnectorClient(await super.createConnectorClient(serviceUrl, scope, identity, headers), this.policy);
  }

  protected override async createConnectorClientWithIdentity(identity: Claims, activity: Activity, headers?: HeaderPropagationCollection): Promise<ConnectorClient> {
    const serviceUrl = activity.serviceUrl;
    if (!serviceUrl || !this.hosts.isAllowed(serviceUrl)) throw new Error('the activity names a service URL whose host is not one of TEAMS_SERVICE_HOSTS');
    let real: Promise<ConnectorClient> | undefined;
    const resolve = () =>
      (real ??= super.createConnectorClientWithIdentity(identity, activity, headers).then(
        (client) => guardConnectorClient(client, this.policy),
        (error: unknown) => {
          // The next call asks for a token again.
          real = undefined;
          throw error;
        },
      ));
    const lazy = ConnectorClient.createClientWithToken(serviceUrl, '', headers);
    lazy.httpClient.request = async <T>(config: HttpRequestConfig) => (await resolve()).httpClient.request<T>(config);
    return lazy;
  }

  /** Logged, never posted; a card's action is still answered (unanswered, Teams shows "Unable to reach app"). */
  private async turnFailed(context: TurnContext, error: Error): Promise<void> {
    const { type, name } = context.activity;
    this.logger.error({ activity: type, ...(name && { name }), ...describeConnectorFailure(error) }, 'Teams: handling an activity failed');
    if (type === ActivityTypes.Invoke) {
      answerInvoke(context, { kind: 'error', statusCode: 500, code: 'InternalError', text: 'connector-ops could not do that; see its log' });
    }
  }
}

import { checkResult, type CheckDetail, type CheckResult } from '../domain/check-result.ts';
import type { Connector } from '../domain/connector.ts';
import { worstStatus } from '../domain/status.ts';
import type { ConnectorApiClient } from '../integrations/connector-api/client.ts';
import type { Prober } from '../integrations/probes/prober.ts';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../integrations/probes/result.ts';
import type { Check, CheckContext } from './check.ts';
import { supportFailureText } from './connector-answers.ts';
import { supportOnce, apiTargetOf } from './connector-readings.ts';
import { DEFAULT_CERTIFICATE_THRESHOLDS, type CertificateThresholds } from './third-party-certificate.ts';
import { configuredTarget, discoverTargets, type Discovery, type ThirdPartyTarget } from './third-party-discovery.ts';
import { judgeProbe } from './third-party-verdict.ts';

export interface ThirdPartyCheckOptions {
  api: Pick<ConnectorApiClient, 'support'>;
  /** URLs the operator configured per connector (http(s), tcp://host:port, amqp(s), mqtt(s), redis(s), mongodb). */
  thirdParty?: string[] | ((connector: Connector) => string[]);
  /** The network probes (mongodb:// through the driver when the prober has its ping). */
  prober: Pick<Prober, 'probeUrl'>;
  /** Time limit of each probe, in ms (default 5000). */
  probeTimeoutMs?: number;
  certificate?: CertificateThresholds;
}

/**
 * The systems a Connector depends on, configured for the bot and discovered from /Monitoring/Support:
 * every target probed in parallel with its own time limit; the worst of them is the check's status.
 */
export class ThirdPartyCheck implements Check {
  readonly id = 'third-party' as const;
  private readonly options: ThirdPartyCheckOptions;

  constructor(options: ThirdPartyCheckOptions) {
    this.options = options;
  }

  appliesTo(): boolean {
    // Always: "nothing configured or discovered" is an answer the report should carry too.
    return true;
  }

  async run(context: CheckContext): Promise<CheckResult> {
    const { connector, signal, now } = context;
    const probe = (target: ThirdPartyTarget): Promise<CheckDetail> =>
      this.options.prober
        .probeUrl(target.url, target.protocol, { signal, now, timeoutMs: this.options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS })
        .then((result) => judgeProbe(target, result, this.options.certificate ?? DEFAULT_CERTIFICATE_THRESHOLDS));

    const configured = this.configuredUrls(connector).map(configuredTarget);
    // Configured targets need not wait for discovery (a rejected API key answers only after 1-4 s).
    const configuredDetails = configured.map(probe);
    const discovery = await this.discover(context, configured.length > 0);
    const configuredUrls = new Set(configured.map((target) => target.url));
    const discovered = discovery.found.targets.filter((target) => !configuredUrls.has(target.url));
    const probed = await Promise.all([...configuredDetails, ...discovered.map(probe)]);

    const notes: CheckDetail[] = discovery.found.notes.map((note) => ({ label: note.source, value: note.note }));
    return summarise(probed, notes, discovery.problem);
  }

  private configuredUrls(connector: Connector): string[] {
    const { thirdParty } = this.options;
    return typeof thirdParty === 'function' ? thirdParty(connector) : (thirdParty ?? []);
  }

  /**
   * The Support route's configuration, searched; or why there is none. Discovery that could not look is
   * `unknown`; a key without the scope beside systems configured for the bot is a choice (configure rather
   * than discover), so then it is a note beside their results.
   */
  private async discover(context: CheckContext, configuredProbed: boolean): Promise<{ found: Discovery; problem?: CheckDetail }> {
    const { connector } = context;
    const none: Discovery = { targets: [], notes: [] };
    const label = 'discovery from /Monitoring/Support';
    const notPossible = (why: string, unknown = true): { found: Discovery; problem: CheckDetail } => ({
      found: none,
      problem: { label, value: `not possible: ${why}`, ...(unknown ? { status: 'unknown' as const } : {}) },
    });
    // Without a URL or key the bot was not meant to ask: information, as for a connector that is only a container.
    if (!connector.url) return { found: none, problem: { label, value: 'no Connector URL configured: nothing discovered' } };
    if (!connector.apiKey) return { found: none, problem: { label, value: 'no API key configured: nothing discovered' } };
    const answer = await supportOnce(this.options.api, apiTargetOf(connector), context);
    if (answer.kind === 'rejected' && answer.httpStatus === 403) {
      return notPossible(`the API key lacks the monitoring:support scope (403); grant it, or ${CONFIGURE_HINT}`, !configuredProbed);
    }
    if (answer.kind === 'failed') return notPossible(supportFailureText(answer));
    if (answer.kind !== 'ok') return notPossible(answer.reason);
    return { found: discoverTargets(answer.value.configuration ?? {}) };
  }
}

const CONFIGURE_HINT = 'list the systems the Connector depends on in CONNECTOR_THIRD_PARTY (or thirdParty in the YAML file)';

/**
 * The check's result: the judged targets, then why discovery did not happen (if it did not), then what was
 * found but not probed. Notes carry no status: a Pub/Sub topic the bot cannot look at is neither ok nor down.
 */
export function summarise(probed: CheckDetail[], notes: CheckDetail[], discoveryProblem?: CheckDetail): CheckResult {
  const details = [...probed, ...(discoveryProblem ? [discoveryProblem] : []), ...notes];
  const status = worstStatus(details.flatMap((detail) => (detail.status ? [detail.status] : [])));
  const discoveryFailed = discoveryProblem?.status === 'unknown';
  if (probed.length === 0) {
    if (discoveryFailed) return checkResult('third-party', 'unknown', `Could not discover third-party systems: ${discoveryProblem.value}`, details);
    if (notes.length > 0) return checkResult('third-party', 'ok', `No third-party system probed: ${notes[0]!.label}: ${notes[0]!.value}`, details);
    return checkResult('third-party', 'ok', 'No third-party systems configured or discovered', details);
  }
  const tail = [
    ...(notes.length > 0 ? [`${notes.length} not probed`] : []),
    ...(discoveryFailed ? [`discovery ${discoveryProblem.value}`] : []),
  ]
    .map((part) => `, ${part}`)
    .join('');
  const problems = probed.filter((detail) => detail.status !== 'ok');
  if (problems.length === 0) {
    return checkResult('third-party', status, `${count(probed.length, 'third-party system')} reachable${tail}`, details);
  }
  const worst = problems.find((detail) => detail.status === status) ?? problems[0]!;
  return checkResult(
    'third-party',
    status,
    `${problems.length} of ${count(probed.length, 'third-party system')} not ok${tail}: ${worst.label}: ${worst.value}`,
    details,
  );
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

import type { Button, Field, Message } from './message.ts';
import { OPERATION_TITLES } from './operation-message.ts';
import type { ContainerCondition, OperationRequest, RequestState } from './operation.ts';

/** What to do after a run the bot's end cut off: said in words, and as the buttons that request it. */
export interface NextStep {
  text: string;
  buttons: Button[];
}

/**
 * The step that brings the connector where the operation was taking it, or shows where it is, judged from what
 * was cut off and what the engine says now. A request made from a button still needs its approval.
 */
export function nextStep(request: OperationRequest, foundIn: RequestState, condition: ContainerCondition): NextStep {
  const { kind, connector } = request;
  const ask = (label: string, verb: string, extra = '') => ({ label, command: `/connector ${verb} ${connector}${extra} --reason "after the interrupted ${kind} ${request.id}"` });
  const health = { label: 'Check health', command: `/connector health ${connector}` };
  if (foundIn === 'approved') return { text: `It had not begun: nothing was changed. Request it again if it is still needed.`, buttons: [ask(`Request ${kind}`, kind, again(request))] };
  if (kind === 'backup') return { text: 'The archive it was writing may be incomplete: request a new backup.', buttons: [ask('Request backup', 'backup')] };
  if (kind === 'cleanup') return { text: 'Some items may be removed and some not: a new cleanup lists what is still there.', buttons: [ask('Request cleanup', 'cleanup')] };
  switch (condition.state) {
    case 'unknown':
      return { text: 'The bot could not read the container: look at it before anything else.', buttons: [health] };
    case 'missing':
      return {
        text:
          kind === 'update'
            ? `The container is not there: the update was cut off while it recreated it. The old one may be kept beside it as "<name>-previous-…"; otherwise restore it from the backup archive (see "Backup and recovery" in the README).`
            : 'The container is not there: restore it from the backup archive (see "Backup and recovery" in the README).',
        buttons: [],
      };
    case 'restarting':
      return { text: 'Its engine is restarting it: look at its health.', buttons: [health] };
    case 'running':
      if (kind === 'stop') return { text: 'It still runs: request the stop again.', buttons: [ask('Request stop', 'stop')] };
      if (kind === 'start') return { text: 'It runs: check that it is healthy and syncs.', buttons: [health] };
      if (kind === 'update') return { text: 'It runs, but the update may not be complete: requesting it again shows which version runs and what is left to do.', buttons: [ask('Request update', 'update', again(request)), health] };
      return { text: 'It runs, but the restart may not have ended cleanly: request a restart.', buttons: [ask('Request restart', 'restart'), health] };
    case 'stopped':
      if (kind === 'stop') {
        return {
          text: 'It is stopped, but its stop marker may not have been written: a stop request records it (the container stays stopped). Or start it again.',
          buttons: [ask('Request stop', 'stop'), ask('Request start', 'start')],
        };
      }
      return { text: `It is stopped: the ${kind} did not bring it back. Request the start.`, buttons: [ask('Request start', 'start')] };
  }
}

/** Posted into the request's conversation when a run is found cut off: what happened, how the connector is now, what next. */
export function interruptionMessage(request: OperationRequest, foundIn: RequestState, progress: readonly string[], condition: ContainerCondition): Message {
  const title = `Interrupted · ${request.connector}`;
  const what = `${OPERATION_TITLES[request.kind]} of ${request.connector} (request ${request.id}, approved by ${request.decidedBy?.displayName ?? 'someone'})`;
  const happened =
    foundIn === 'approved' ? `${what} was approved, but the bot stopped before it began. It did not run.` : `${what} was cut off: the bot stopped while it ran. It is not run again.`;
  const step = nextStep(request, foundIn, condition);
  const fields: Field[] = [
    ...(progress.length > 0 ? [{ label: 'Last step', value: progress.at(-1)! }] : []),
    { label: 'Now', value: condition.text, ...(condition.state !== 'running' && { status: 'warn' as const }) },
  ];
  return {
    text: `${title}: ${happened} Now: ${condition.text}. Next: ${step.text}`,
    blocks: [
      { type: 'header', text: title, status: 'critical' },
      { type: 'section', text: happened },
      { type: 'fields', fields },
      { type: 'section', text: `Next: ${step.text}` },
      ...(step.buttons.length > 0 ? [{ type: 'actions' as const, buttons: step.buttons }] : []),
      { type: 'context', text: `Request ${request.id}` },
    ],
  };
}

/** The words that asked for it, as far as they say what to do: an update's version, --major, --force. */
function again(request: OperationRequest): string {
  const { params } = request;
  return `${request.kind === 'update' && params.targetVersion ? ` ${params.targetVersion}` : ''}${params.major ? ' --major' : ''}${params.force ? ' --force' : ''}`;
}

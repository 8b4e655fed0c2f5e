import { Activity, ActivityTypes } from '@microsoft/agents-activity';
import { INVOKE_RESPONSE_KEY, type TurnContext } from '@microsoft/agents-hosting';
import { ADAPTIVE_CARD_CONTENT_TYPE, type AdaptiveCard } from './render-card.ts';

/**
 * What an `adaptiveCard/action` invoke is answered with: the card pressed as it now is (Teams replaces it for the
 * person who pressed), a short message Teams shows that person, or an error.
 */
export type InvokeAnswer = { kind: 'card'; card: AdaptiveCard } | { kind: 'message'; text: string } | { kind: 'error'; statusCode: 400 | 500; code: string; text: string };

/**
 * The invoke's HTTP answer, set before the turn ends: always 200 (anything else shows "Unable to reach app"), the
 * outcome in the body, as Teams' universal actions define it. Put where the SDK reads it after the turn, not sent
 * through the context: sending reads the activity's conversation reference, and an activity the turn failed on
 * may have none.
 */
export function answerInvoke(context: TurnContext, answer: InvokeAnswer): void {
  context.turnState.set(INVOKE_RESPONSE_KEY, Activity.fromObject({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: bodyOf(answer) } }));
}

function bodyOf(answer: InvokeAnswer) {
  switch (answer.kind) {
    case 'card':
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: answer.card };
    case 'message':
      return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: answer.text };
    case 'error':
      return { statusCode: answer.statusCode, type: 'application/vnd.microsoft.error', value: { code: answer.code, message: answer.text } };
  }
}

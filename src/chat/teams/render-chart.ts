import type { Chart } from '../../domain/message.ts';
import { chartPng } from '../chart/plot.ts';
import { sparklines } from '../text/sparkline.ts';
import type { CardElement } from './render-card.ts';
import { TEAMS_LIMITS } from './render-limits.ts';
import { fitLines, plainLine } from './render-markdown.ts';

/**
 * A chart as an image inside the card: a `data:` URI of the same PNG Slack uploads (Adaptive Cards take them
 * since 1.2, and Teams shows them), so no URL has to be hosted or can leak. The alternative text says what
 * the lines say, for screen readers. A chart whose PNG would crowd out the card's text (many noisy series)
 * is shown as the console's sparklines instead.
 */
export function chartElement(chart: Chart): CardElement {
  const lines = sparklines(chart);
  const url = `data:image/png;base64,${chartPng(chart).toString('base64')}`;
  if (url.length <= TEAMS_LIMITS.imageChars) {
    return { type: 'Image', url, altText: plainLine(`${chart.title}: ${lines.map(oneSeries).join('; ')}`, TEAMS_LIMITS.altText), size: 'Stretch' };
  }
  return { type: 'TextBlock', text: fitLines([chart.title, ...lines].join('\n'), TEAMS_LIMITS.text).text, wrap: true };
}

/** `memory  ▁▂▃▅▇ 41 % → 63 %` read aloud as `memory 41 % → 63 %`. */
function oneSeries(line: string): string {
  return line.replace(/[\u2581-\u2588 ]{2,}/g, ' ');
}

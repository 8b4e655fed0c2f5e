import type { Chart, Message } from '../../domain/message.ts';
import { fileTitle, slug } from './render-overflow.ts';

/** A chart of the message, for the adapter to upload beside it as a PNG (Block Kit shows images only by URL). */
export interface SlackChart {
  filename: string;
  title: string;
  /** As data: the PNG is drawn when it is uploaded, so the rendering stays plain JSON. */
  chart: Chart;
}

export function chartFiles(message: Message): SlackChart[] {
  return message.blocks.flatMap((block) => {
    if (block.type !== 'chart') return [];
    const title = fileTitle(block.chart.title);
    return [{ filename: `connector-ops-${slug(title) || 'chart'}.png`, title, chart: block.chart }];
  });
}

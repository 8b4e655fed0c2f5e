import { CHECK_TITLES } from './check-titles.ts';
import type { Block, Button, Message } from './message.ts';
import type { Report } from './report.ts';

export interface ReportMessageOptions {
  title: string;
  details: boolean;
  /** The command that shows the details, offered as a button on the compact form. */
  detailsCommand?: string;
}

/** A report as a neutral message: a compact summary first, every detail on request. */
export function reportMessage(report: Report, options: ReportMessageOptions): Message {
  const blocks: Block[] = [{ type: 'header', text: options.title, status: report.status }];
  for (const connector of report.connectors) {
    if (report.connectors.length > 1) {
      blocks.push({ type: 'section', text: connector.name, status: connector.status });
    }
    if (connector.checks.length > 0) {
      blocks.push({
        type: 'fields',
        fields: connector.checks.map((check) => ({
          label: CHECK_TITLES[check.id],
          value: check.summary,
          status: check.status,
        })),
      });
    }
    if (connector.notChecked) {
      const named = report.connectors.length > 1 ? ` for ${connector.name}` : '';
      for (const skipped of connector.notChecked) {
        blocks.push({ type: 'context', text: `${CHECK_TITLES[skipped.id]}: not checked${named}: it needs ${skipped.needs}.` });
      }
    }
    if (options.details) {
      for (const check of connector.checks) {
        if (check.details.length === 0) continue;
        blocks.push({ type: 'section', text: `${CHECK_TITLES[check.id]}${report.connectors.length > 1 ? ` · ${connector.name}` : ''}` });
        blocks.push({
          type: 'fields',
          fields: check.details.map((d) => ({ label: d.label, value: d.value, ...(d.status ? { status: d.status } : {}) })),
        });
      }
    }
  }
  const buttons: Button[] = [];
  if (!options.details && options.detailsCommand && report.connectors.some((c) => c.checks.some((k) => k.details.length > 0))) {
    buttons.push({ label: 'Details', command: options.detailsCommand });
  }
  // An unhealthy Connector is usually helped by a restart: one press requests it (it still needs an approval).
  for (const connector of report.connectors) {
    if (connector.checks.some((check) => check.id === 'health' && check.status === 'critical')) {
      buttons.push({ label: report.connectors.length > 1 ? `Request restart of ${connector.name}` : 'Request restart', command: `/connector restart ${connector.name}` });
    }
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  blocks.push({ type: 'context', text: `Generated ${report.generatedAt}` });
  return { text: fallbackText(report, options.title), blocks };
}

function fallbackText(report: Report, title: string): string {
  const parts = report.connectors.map((c) => {
    const notOk = c.checks.filter((k) => k.status !== 'ok').map((k) => `${k.id} ${k.status}`);
    return `${c.name}: ${c.status}${notOk.length > 0 ? ` (${notOk.join(', ')})` : ''}`;
  });
  return `${title}: ${report.status.toUpperCase()}. ${parts.join('; ')}`;
}

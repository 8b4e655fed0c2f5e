import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

// The JSON Schema of `check --json` (schemas/report.schema.json): every report and check result the tests
// produce is held against it, so the schema and the code cannot drift apart.

const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as { $id: string };
// The times are checked by the schema's own pattern; "date-time" stays in it for consumers' tools.
const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { 'date-time': true } });
const validateReport = ajv.compile(schema);
const validateCheck = ajv.getSchema(`${schema.$id}#/$defs/check`)!;

function problems(errors: typeof validateReport.errors): string {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('\n');
}

/** The report (as printed, or as the runner returns it), validated: throws naming every place that breaks the schema. */
export function validReport<T>(report: T): T {
  const json: unknown = JSON.parse(JSON.stringify(report));
  if (!validateReport(json)) throw new Error(`the report breaks schemas/report.schema.json:\n${problems(validateReport.errors)}`);
  return report;
}

/** One check result, validated as a report's check. */
export function validCheck<T>(result: T): T {
  const json: unknown = JSON.parse(JSON.stringify(result));
  if (!validateCheck(json)) throw new Error(`the check result breaks schemas/report.schema.json:\n${problems(validateCheck.errors)}`);
  return result;
}

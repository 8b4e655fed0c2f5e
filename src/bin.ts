#!/usr/bin/env node
// The `connector-ops` entry point. It checks the Node.js version before anything else loads: on an older
// Node the modules behind it (node:sqlite among them) fail at import with a stack trace instead of a reason.
// So this file stays old-Node-safe: ES2020 syntax (no top-level await) and builtins only at the top level.
import { readFileSync } from 'node:fs';

const found = process.versions.node;
const needed = minimumNode();
if (needed !== undefined && compareVersions(found, needed) < 0) {
  process.stderr.write(`connector-ops: needs Node.js ${needed} or newer (24 LTS recommended); this is Node.js ${found}.\n`);
  process.exitCode = 2;
} else {
  void import('./cli.ts');
}

/** The `>=X.Y[.Z]` of package.json `engines.node`, the one place the minimum is written; undefined if it has another form. */
function minimumNode(): string | undefined {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines?: { node?: string } };
  return /^>=\s*v?(\d+(?:\.\d+){0,2})$/.exec(pkg.engines?.node?.trim() ?? '')?.[1];
}

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < 3; i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

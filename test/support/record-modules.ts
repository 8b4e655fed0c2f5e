// Preloaded with `node --import` by the start-up tests: records every module the process resolves and, at exit,
// writes their URLs one a line to the file RECORD_MODULES_FILE names. Resolution, not evaluation: a module
// resolved is one the process reads, which is what a fast start must avoid.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const target = process.env.RECORD_MODULES_FILE;
if (target) {
  const resolved = new Set<string>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      resolved.add(result.url);
      return result;
    },
  });
  process.on('exit', () => writeFileSync(target, [...resolved].join('\n')));
}

import type { TestContext } from 'vitest';

/** The password in a connection string as written, if any, to prove it never reaches a result. */
function passwordOf(uri: string): string | undefined {
  return /^mongodb(?:\+srv)?:\/\/[^:/@]+:([^@/]+)@/.exec(uri)?.[1];
}

/**
 * The password of `uri` and the same URI with a wrong one, for the tests that prove a password is never shown
 * and a wrong one is named as such; skips the test (saying why) when `uri` carries no password.
 */
export function passwordsOrSkip(uri: string, context: TestContext): { password: string; wrongUri: string; wrongPassword: string } {
  const password = passwordOf(uri);
  if (!password) {
    console.warn('skipping the password test: TEST_MONGODB_URI carries no password');
    return context.skip();
  }
  const wrongPassword = 'wrong-password-0';
  return { password, wrongUri: uri.replace(`:${password}@`, `:${wrongPassword}@`), wrongPassword };
}

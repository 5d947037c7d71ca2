import { StartError } from '../start-error';

/** The variables that hold a secret a stranger could act with if they knew or guessed it. */
export const SECRET_VARIABLES = ['ADMIN_TOKEN', 'SESSION_SECRET', 'METRICS_TOKEN'] as const;
export type SecretVariable = (typeof SECRET_VARIABLES)[number];

/** 32 characters of `openssl rand -hex 16` or more: far past guessing, online or offline. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Values this project has printed as secrets (docker-compose.yml's defaults before it
 * read them from .env, and examples in its documents): anyone who read the repository
 * knows them. test/secrets.test.ts scans the project's files for more, so a value printed
 * later is refused too or fails the test.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'change-me',
  'change-me-to-32-random-characters',
  'changeme',
  'secret',
  'e2e-admin-token',
  'test-admin-token',
]);

/** How to make a good one, said with every refusal. */
const HOW = 'make one with `openssl rand -hex 32`';

/** Why a secret's value must not be used, or null when it may. */
export function secretProblem(value: string): string | null {
  if (PUBLISHED_SECRETS.has(value.trim().toLowerCase())) return 'is a value printed in Roost\'s own files, known to anyone who read them';
  if (value.length < MIN_SECRET_LENGTH) return `is shorter than ${MIN_SECRET_LENGTH} characters`;
  // One character repeated, or a run like "aaaa…"/"0000…", is long but guessable.
  if (new Set(value).size < 8) return 'has fewer than 8 different characters';
  return null;
}

/**
 * Refuses to start with a weak secret: one line naming the variable (a StartError, exit 1).
 * Unset is fine: each variable's absence has its own safe meaning (writes refused, a
 * generated session secret, /metrics on loopback only).
 */
export function refuseWeakSecrets(env: Partial<Record<SecretVariable, string | undefined>>): void {
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (value === undefined) continue;
    const problem = secretProblem(value);
    if (problem) throw new StartError(`${name} ${problem}; ${HOW}`);
  }
}

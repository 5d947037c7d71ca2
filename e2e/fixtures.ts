import { randomBytes } from 'node:crypto';

/** Listings the browser tests look for, put in the store by e2e/seed.ts. */
export const XSS_TITLE = '<img src=x onerror=alert(1)>';
export const XSS_ID = 'e2e-xss';
/** Where the XSS listing sits: Midtown Manhattan. */
export const XSS_AT = { lat: 40.7549, lon: -73.984 };
/**
 * The write API's token on the test server (playwright.config.ts): random for each run, so
 * none is printed in the project. Made once in the runner, which loads this file with its
 * config before it starts the server and the workers; both inherit it from the environment.
 */
export const E2E_ADMIN_TOKEN = (process.env.E2E_ADMIN_TOKEN ??= randomBytes(24).toString('hex'));
/**
 * The test server's port, and the SMTP server of the run's own beside it (e2e/mailbox.ts).
 * Both can be named: runs side by side on one machine each keep to their own ports.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3199);
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? E2E_PORT + 100);
/** The site's origin: localhost, not 127.0.0.1 — passkeys need a domain as their relying party. */
export const E2E_ORIGIN = `http://localhost:${E2E_PORT}`;

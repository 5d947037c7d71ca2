/** Listings the browser tests look for, put in the store by e2e/seed.ts. */
export const XSS_TITLE = '<img src=x onerror=alert(1)>';
export const XSS_ID = 'e2e-xss';
/** Where the XSS listing sits: Midtown Manhattan. */
export const XSS_AT = { lat: 40.7549, lon: -73.984 };
/** The write API's token on the test server (playwright.config.ts). */
export const E2E_ADMIN_TOKEN = 'e2e-admin-token';

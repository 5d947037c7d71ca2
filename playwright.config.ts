import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { E2E_ADMIN_TOKEN, E2E_ORIGIN, E2E_PORT, E2E_SMTP_PORT } from './e2e/fixtures';

const PORT = E2E_PORT;
const DATA_DIR = path.resolve('test-results', 'e2e-data');
// Every run starts from an empty store, which the server fills with the demo city.
fs.rmSync(DATA_DIR, { recursive: true, force: true });

/** Debian's Chromium when present: Playwright cannot download its own browser here. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const launchOptions = fs.existsSync(SYSTEM_CHROMIUM)
  ? {
      executablePath: SYSTEM_CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    }
  : {};

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results/e2e',
  timeout: 30_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: E2E_ORIGIN,
    launchOptions,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions } },
    { name: 'phone', use: { ...devices['Pixel 7'], viewport: { width: 390, height: 844 }, launchOptions } },
  ],
  webServer: {
    command: 'node --import tsx e2e/seed.ts && npm start',
    url: `http://127.0.0.1:${PORT}/readyz`,
    // The first start on a fresh clone builds the app.
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(PORT),
      DATA_DIR,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      RATE_SEARCH_PER_S: '100000',
      RATE_WRITE_PER_S: '100000',
      RATE_SESSIONS_PER_HOUR: '100000',
      RATE_SIGNIN_PER_HOUR: '100000',
      RATE_SAVED_SEARCHES_PER_DAY: '100000',
      // Sign-in mails go to the run's own SMTP server (e2e/global-setup.ts).
      SMTP_URL: `smtp://127.0.0.1:${E2E_SMTP_PORT}`,
      PUBLIC_URL: E2E_ORIGIN,
    },
  },
});

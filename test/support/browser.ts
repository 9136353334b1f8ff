/**
 * Debian's chromium driven by playwright-core, headless. Never a downloaded browser: the test
 * command installs the `chromium` package (scripts/ensure-tools.mjs).
 */
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI containers run as root, where chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** Page errors and CSP violations, which the tests expect to stay empty. */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource|EventSource/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return problems;
}

/** Types the token into the page's form and submits it. */
export async function enterToken(page: Page, token: string): Promise<void> {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('token-input').press('Enter');
}

// Page code is written as functions (a string would be eval'd in the page, which its CSP
// forbids); the tests' tsconfig has no DOM types, so they name the little DOM they use.
const WAIT_MS = 30_000;
interface PageElement {
  getAttribute(name: string): string | null;
}
type PageGlobal = { document: { querySelectorAll(selector: string): ArrayLike<PageElement> } };

/** Waits until the coordinator table shows exactly `count` rows. */
export async function waitForRowCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => (globalThis as unknown as PageGlobal).document.querySelectorAll('[data-testid="coordinator-row"]').length === n, count, { timeout: WAIT_MS });
}

/** Waits until the row of coordinator `id` (any string) is in one of `states`. */
export async function waitForRowState(page: Page, id: string, states: string[]): Promise<void> {
  await page.waitForFunction(
    ([wanted, among]) =>
      Array.from((globalThis as unknown as PageGlobal).document.querySelectorAll('[data-testid="coordinator-row"]')).some(
        (r) => r.getAttribute('data-coordinator-id') === wanted && among.includes(r.getAttribute('data-state') ?? ''),
      ),
    [id, states] as const,
    { timeout: WAIT_MS },
  );
}

/** The page's render timings (ms) under `name` (src/server/dashboard/timings.js). */
export async function pageTimings(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => (globalThis as unknown as { rendezvousTimings: Record<string, number[]> }).rendezvousTimings[n] ?? [], name);
}

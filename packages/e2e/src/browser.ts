// What every browser test does: one Chromium per test file, a fresh context
// (no connections or cache shared with another test) per test, the browser's
// own error code when a page fails, and what was seen written down.
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { launch, locateChromium } from "./chromium.ts";
import { SEEN_FILE } from "./seen-file.ts";

/** The Chromium the tests drive, the reason they fail, or the line that says they are skipped. */
const LOCATED = locateChromium();

/** `describe`, or `describe.skip` on a machine without Chromium where none is required. */
export const describeInBrowser = "skip" in LOCATED ? describe.skip : describe;

/** The size of one browser window in the tests and in the pictures, in CSS pixels. */
export const VIEWPORT = { width: 560, height: 400 }; // tall enough for the code under an error page

/**
 * Launch Chromium before the file's tests and close it after them (also
 * when a test failed). Returns a getter, since the browser exists only once
 * launched; where the tests must fail (see `locateChromium`), the getter
 * throws the reason, so each test fails with it.
 */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if ("path" in LOCATED) browser = await launch(LOCATED.path);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if ("error" in LOCATED) throw new Error(LOCATED.error); // each test fails, with that line
    if (!browser) throw new Error("the browser is not running");
    return browser;
  };
}

/**
 * A browser window of its own (a context: no connections, cache or cookies
 * shared with another test), for one or more tabs. Closed with `await using`.
 */
export async function openWindow(browser: Browser): Promise<BrowserContext & AsyncDisposable> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  return Object.assign(context, { [Symbol.asyncDispose]: () => context.close() });
}

/** A tab in a window of its own; closing it (`await using`) closes the window. */
export async function openTab(browser: Browser): Promise<Page & AsyncDisposable> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  return Object.assign(page, { [Symbol.asyncDispose]: () => context.close() });
}

/**
 * The error code Chromium shows on its error page (`ERR_CONNECTION_RESET`,
 * …), from the error of a navigation that failed; anything else is thrown
 * back.
 */
export function netError(error: unknown): string {
  const code = /\bnet::(ERR_[A-Z_]+)/.exec(error instanceof Error ? error.message : "")?.[1];
  if (!code) throw error;
  return code;
}

/**
 * Navigate `page` to `url`, expecting the browser to fail with its error
 * page, and return the error code it shows (checked to be one of `codes`).
 * The wait is bounded: 30 s, far beyond an error on loopback.
 */
export async function expectErrorPage(page: Page, url: string, codes: readonly string[]): Promise<string> {
  const outcome = await page.goto(url, { timeout: 30_000 }).then(
    (response) => `a page, status ${response?.status()}`,
    (error: unknown) => netError(error),
  );
  expect(codes, `the browser showed ${outcome}; expected one of its error codes`).toContain(outcome);
  return outcome;
}

/** Write down a fact the browser test saw, for the run's summary (global-setup.ts). */
export function seen(stage: string, fact: string): void {
  mkdirSync(dirname(SEEN_FILE), { recursive: true });
  appendFileSync(SEEN_FILE, `${stage}: ${fact}\n`);
}

/** Milliseconds since `start` (a `performance.now()`), rounded, for what is written down. */
export function since(start: number): number {
  return Math.round(performance.now() - start);
}

/**
 * Wait until `value()` has not changed for `quietMs` (at most `maxMs`), and
 * return it: how many lines a stage printed for a page load, once the
 * browser's retries and spare connections have come in.
 */
export async function settled(value: () => number, quietMs = 300, maxMs = 5_000): Promise<number> {
  const end = performance.now() + maxMs;
  let last = value();
  let changedAt = performance.now();
  while (performance.now() < end && performance.now() - changedAt < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (value() !== last) {
      last = value();
      changedAt = performance.now();
    }
  }
  return last;
}

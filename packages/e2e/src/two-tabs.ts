// The slow-request lesson as a reader does it (07–09): `/sleep` in one tab,
// then `/` in a second tab of the same window, and which one finishes when.
import type { Browser, Page, Response } from "playwright-core";
import { openWindow } from "./browser.ts";

/** One tab's load: when its response came (ms after the first tab was opened), or why it failed. */
export interface Load {
  readonly tab: Page;
  /** The response, once the page has loaded. */
  response(): Response | undefined;
  /** The response's status, once the page has loaded. */
  status(): number | undefined;
  /** Milliseconds from the start to the response's head, once the page has loaded. */
  respondedAt(): number | undefined;
  /** Milliseconds from sending the request to the response's head, once the page has loaded. */
  waited(): number | undefined;
  /** Settles when the navigation ends, either way; never rejects. */
  readonly done: Promise<void>;
}

/**
 * Open `${url}/sleep` in a tab, and `gapMs` after the browser has sent that
 * request (time for the stage to take it and start sleeping), `${url}/` in
 * a second tab. Returns both loads as they go; the window closes with
 * `await using` on the result, which abandons a load still going.
 */
export async function sleepThenRoot(
  browser: Browser,
  url: string,
  gapMs: number,
): Promise<{ readonly slow: Load; readonly fast: Load } & AsyncDisposable> {
  const window = await openWindow(browser);
  const start = Date.now(); // the browser's timings are wall-clock milliseconds too
  const load = async (path: string): Promise<Load> => {
    const tab = await window.newPage();
    let loaded: Response | undefined;
    let respondedAt: number | undefined;
    let waited: number | undefined;
    const sent = tab.waitForEvent("request", { timeout: 30_000 });
    const done = tab.goto(`${url}${path}`, { timeout: 60_000 }).then(
      async (response) => {
        if (!response) return;
        await response.finished();
        // When the head came, by the browser's own network timing: comparable between tabs, unlike
        // the moments its events reach this process.
        const { startTime, responseStart } = response.request().timing();
        [loaded, respondedAt, waited] = [response, startTime + responseStart - start, responseStart];
      },
      () => undefined, // a navigation abandoned when the window closes; the checks look at `status()`
    );
    await sent;
    return {
      tab,
      response: () => loaded,
      status: () => loaded?.status(),
      respondedAt: () => respondedAt,
      waited: () => waited,
      done,
    };
  };
  const slow = await load("/sleep");
  await new Promise((resolve) => setTimeout(resolve, gapMs));
  const fast = await load("/");
  return { slow, fast, [Symbol.asyncDispose]: () => window.close() };
}

// The checks shared by the stages that serve pages (04–10): a page comes
// back with its status and renders as the stage's HTML file says, non-ASCII
// text included (UTF-8 all the way: the file, the bytes sent, the browser).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page, Response } from "playwright-core";
import { expect } from "vitest";
import { pageText, stageDir } from "./stages.ts";

/** The text of the first `selector` in `tab` as the page shows it (CSS applied), not as the markup has it. */
export function shownText(tab: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what the reader sees.
  return tab.locator(selector).first().innerText();
}

/** The pages the stages serve, and the status each comes with. */
const STATUS = { "hello.html": 200, "404.html": 404 } as const;

/**
 * Check a page as the reader gets it: `response` came with the file's status
 * and brought `file` of `stage` byte for byte (a `Content-Length` counted in
 * characters instead of bytes would cut the Russian text's page short, which
 * a browser shows without complaint), and `tab` shows it decoded as UTF-8,
 * heading and paragraph as written. The navigation is the caller's, so that
 * it can time it. Returns the status.
 */
export async function expectPage(
  tab: Page,
  response: Response | null | undefined,
  stage: string,
  file: keyof typeof STATUS,
): Promise<number> {
  if (!response) throw new Error(`${stage}: no response for ${file}`);
  expect(response.status(), `the status of ${response.url()}`).toBe(STATUS[file]);
  const sent = readFileSync(join(stageDir(stage), file));
  const received = await response.body();
  expect(received.toString("utf8"), `the page at ${response.url()}: ${file}, byte for byte`).toBe(
    sent.toString("utf8"),
  );
  expect(received.length, `the bytes of ${response.url()}`).toBe(sent.length);
  const { heading, paragraph } = pageText(stage, file);
  expect(await tab.evaluate(() => document.characterSet)).toBe("UTF-8");
  expect(await shownText(tab, "h1")).toBe(heading);
  expect(await shownText(tab, "p")).toBe(paragraph);
  return response.status();
}

/** Open `url` in `tab` and check the page there (`expectPage`). Returns the status. */
export async function expectServed(tab: Page, stage: string, url: string, file: keyof typeof STATUS): Promise<number> {
  const response = await tab.goto(url, { timeout: 30_000 }).catch((error: unknown) => {
    // A page that never finishes loading: the browser waits for bytes the response promised.
    if (!String(error).includes("Timeout")) throw error;
    throw new Error(
      `${url} did not finish loading within 30 s: does Content-Length count the bytes sent, ` +
        "and does the server close the connection after the response?",
    );
  });
  return expectPage(tab, response, stage, file);
}

// The checks shared by the stages that serve pages (04–10): a page comes
// back with its status and renders as the stage's HTML file says, non-ASCII
// text included (UTF-8 all the way: the file, the bytes sent, the browser).
import type { Page } from "playwright-core";
import { expect } from "vitest";
import { pageText } from "./stages.ts";

/** The text of the first `selector` in `tab` as the page shows it (CSS applied), not as the markup has it. */
export function shownText(tab: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is the point: what the reader sees.
  return tab.locator(selector).first().innerText();
}

/**
 * Check that `tab` shows `file` of `stage` (its heading and paragraph, in
 * UTF-8) and that the response had `status`. The navigation itself is the
 * caller's, so that it can time it.
 */
export async function expectPage(tab: Page, stage: string, file: string): Promise<void> {
  const { heading, paragraph } = pageText(stage, file);
  expect(await tab.evaluate(() => document.characterSet)).toBe("UTF-8");
  expect(await shownText(tab, "h1")).toBe(heading);
  expect(await shownText(tab, "p")).toBe(paragraph);
}

/** Open `url` in `tab` and check the page: `hello.html` with 200, or `404.html` with 404. */
export async function expectServed(
  tab: Page,
  stage: string,
  url: string,
  file: "hello.html" | "404.html",
): Promise<number> {
  const response = await tab.goto(url, { timeout: 30_000 });
  const status = response?.status() ?? 0;
  expect(status).toBe(file === "hello.html" ? 200 : 404);
  await expectPage(tab, stage, file);
  return status;
}

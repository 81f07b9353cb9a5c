// The pictures in the stages' READMEs, taken by the browser tests themselves
// when `pnpm screenshots` runs them (E2E_SCREENSHOTS=1). A plain test run
// takes and writes none. A picture is one or more panels side by side, each a
// screenshot of a tab or what the stage printed in its terminal, under a
// caption; the browser that ran the test lays them out and screenshots that.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { picturePath } from "./expected.ts";

/** True in `pnpm screenshots`: the tests save their pictures. */
export const TAKING_PICTURES = process.env.E2E_SCREENSHOTS === "1";

/** The repository's root, where `picturePath` starts. */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** One panel of a picture: a tab's screenshot (PNG) or terminal text, with its caption. */
export type Panel = { readonly caption: string } & ({ readonly png: Buffer } | { readonly terminal: string });

/**
 * A screenshot of what `page` shows now, or `undefined` in a plain test run.
 * Waits for a frame first where it can: a tab showing an empty document may
 * have none yet. Not for a tab still loading: Chromium draws it only once
 * the load has ended, so the screenshot would wait for that.
 */
export async function snap(page: Page): Promise<Buffer | undefined> {
  if (!TAKING_PICTURES) return undefined;
  // An error page just being committed has no frame yet: Chromium answers "Unable to capture
  // screenshot" for a moment. Tried again a few times, 200 ms apart.
  for (let attempt = 1; ; attempt++) {
    await page
      .evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
      .catch(() => {
        // no document to wait on yet, either
      });
    try {
      return await page.screenshot({ timeout: 10_000 });
    } catch (error) {
      if (attempt === 5 || !String(error).includes("Unable to capture screenshot")) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"]/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[char] ?? char);

function panelHtml(panel: Panel): string {
  const body =
    "png" in panel
      ? `<img src="data:image/png;base64,${panel.png.toString("base64")}">`
      : `<pre>${escapeHtml(panel.terminal)}</pre>`;
  return `<figure><figcaption>${escapeHtml(panel.caption)}</figcaption>${body}</figure>`;
}

/**
 * Save `docs/screenshots/<name>.png` (`picturePath`): `panels` side by side (panels without a
 * screenshot, as in a plain test run, mean no picture). Does nothing unless
 * TAKING_PICTURES.
 */
export async function savePicture(
  browser: Browser,
  name: string,
  panels: ReadonlyArray<{ readonly caption: string; readonly png?: Buffer; readonly terminal?: string }>,
): Promise<void> {
  if (!TAKING_PICTURES) return;
  const complete = panels.map((panel): Panel => {
    if (panel.png) return { caption: panel.caption, png: panel.png };
    if (panel.terminal !== undefined) return { caption: panel.caption, terminal: panel.terminal };
    throw new Error(`picture ${name}: panel "${panel.caption}" has neither a screenshot nor terminal text`);
  });
  const context = await browser.newContext({ viewport: { width: 400, height: 100 } });
  try {
    const page = await context.newPage();
    await page.setContent(`<!DOCTYPE html><meta charset="utf-8"><style>
      body { margin: 0; padding: 12px; display: inline-grid; gap: 12px; align-items: start;
             grid-template-columns: repeat(${Math.min(complete.length, 2)}, auto);
             font: 13px/1.4 sans-serif; background: #f4f4f4; }
      figure { margin: 0; }
      figcaption { margin-bottom: 4px; color: #333; }
      img, pre { display: block; border: 1px solid #999; }
      pre { margin: 0; padding: 8px; width: 540px; min-height: 384px; max-height: 640px; overflow: hidden;
            background: #1e1e1e; color: #ddd; font: 11px/1.35 monospace; white-space: pre-wrap;
            overflow-wrap: anywhere; }
    </style>${complete.map(panelHtml).join("")}`);
    const path = join(ROOT, picturePath(name));
    mkdirSync(dirname(path), { recursive: true });
    await page.locator("body").screenshot({ path });
  } finally {
    await context.close();
  }
}

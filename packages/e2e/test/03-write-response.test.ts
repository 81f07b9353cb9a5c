// 03-write-response in a browser: `HTTP/1.1 200 OK` and nothing else, so the
// browser shows an empty page, not an error.
import { expect, it } from "vitest";
import { describeInBrowser, openTab, seen, useBrowser } from "../src/browser.ts";
import { savePicture, snap } from "../src/pictures.ts";
import { runStage } from "../src/stages.ts";

describeInBrowser("03-write-response in Chromium", () => {
  const browser = useBrowser();

  it("shows an empty page", async () => {
    await using stage = await runStage("03-write-response");
    await using tab = await openTab(browser());
    const response = await tab.goto(`${stage.url}/`, { timeout: 30_000 });
    expect(response?.status(), "the status").toBe(200);
    expect((await response?.body())?.toString("utf8"), "the body: the book's response has none").toBe("");
    expect(await tab.evaluate(() => [document.title, document.body.innerHTML]), "the title and body shown").toEqual([
      "",
      "",
    ]);
    expect(stage.stdout(), "the stage's terminal: nothing but the address").toBe(`Listening on ${stage.url}\n`);
    seen("03-write-response", `status ${response?.status()}, an empty page (no title, empty body)`);
    await savePicture(browser(), "03-write-response", [
      {
        caption: `Chromium at http://127.0.0.1:${stage.port}/ (a test port; yours is 7878): an empty page`,
        png: await snap(tab),
      },
    ]);
  });
});

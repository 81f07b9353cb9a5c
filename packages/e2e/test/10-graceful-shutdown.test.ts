// 10-graceful-shutdown in a browser, with the book's two connections: the
// page loads, the server shuts down after the browser's connections and
// exits 0, and loading the page again fails: nothing listens any more.
import { expect, it } from "vitest";
import { within } from "testkit";
import { describeInBrowser, expectErrorPage, openTab, seen, since, useBrowser } from "../src/browser.ts";
import { expectPage } from "../src/pages.ts";
import { savePicture, snap } from "../src/pictures.ts";
import { errorCodes } from "../src/expected.ts";
import { runStage } from "../src/stages.ts";

const NAME = "10-graceful-shutdown";

describeInBrowser("10-graceful-shutdown in Chromium", () => {
  const browser = useBrowser();

  it("TAKE=2: the page loads, the server stops after the browser's connections and exits 0, a reload fails", async () => {
    await using stage = await runStage(NAME, { TAKE: "2", POOL_SIZE: "4" });
    await using tab = await openTab(browser());
    const start = performance.now();
    const exit = stage.exited.then((exited) => ({ ...exited, at: since(start) }));
    const response = await tab.goto(`${stage.url}/`, { timeout: 30_000 });
    const loadedAt = since(start);
    await expectPage(tab, response, NAME, "hello.html");
    const hello = await snap(tab);
    // Bounded: a spare connection that never sends a byte is closed 0.3 s into the shutdown.
    const { code, at: exitedAt } = await within(exit, 30_000, "the stage's exit after the page");
    expect(code, "the stage's exit code").toBe(0);
    const printed = stage.stdout();
    expect(printed).toMatch(/^Shutting down\.$/m);
    for (let id = 0; id < 4; id++)
      expect(printed).toMatch(new RegExp(`^Worker ${id} disconnected; shutting down\\.$`, "m"));
    // TAKE=2: the browser's first two connections (the page, and its icon), a worker's job each.
    const jobs = printed.match(/got a job; executing\.$/gm)?.length ?? 0;
    expect(jobs).toBe(2);
    const refused = await expectErrorPage(tab, `${stage.url}/`, errorCodes("10-graceful-shutdown"));
    seen(
      NAME,
      `TAKE=2: page at ${loadedAt} ms; ${jobs} jobs, one per connection taken; exit 0 at ${exitedAt} ms; ` +
        `a reload then showed ${refused}`,
    );
    await savePicture(browser(), NAME, [
      { caption: `Chromium at http://127.0.0.1:${stage.port}/ (a test port; yours is 7878)`, png: hello },
      { caption: "The stage's terminal, to its exit (code 0)", terminal: printed },
      { caption: `The same page reloaded, once the server has exited: ${refused}`, png: await snap(tab) },
    ]);
  });
});

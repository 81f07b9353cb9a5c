// 07-slow-request in a browser: while one tab loads /sleep, the only thread
// sleeps, so / in a second tab finishes only after /sleep.
import { expect, it } from "vitest";
import { describeInBrowser, seen, useBrowser } from "../src/browser.ts";
import { expectPage } from "../src/pages.ts";
import { TAKING_PICTURES, savePicture, snap } from "../src/pictures.ts";
import { runStage } from "../src/stages.ts";
import { sleepThenRoot } from "../src/two-tabs.ts";

// The book's 5 s in the pictures; shorter in the tests, which only need / to be sent well within it.
const SLEEP_MS = TAKING_PICTURES ? 5_000 : 3_000;
const GAP_MS = 1_000;

describeInBrowser("07-slow-request in Chromium", () => {
  const browser = useBrowser();

  it("/sleep in one tab, then / in another: / finishes only after /sleep", async () => {
    await using stage = await runStage("07-slow-request", { SLEEP_MS: String(SLEEP_MS) });
    await using tabs = await sleepThenRoot(browser(), stage.url, GAP_MS);
    const { slow, fast } = tabs;
    await Promise.all([slow.done, fast.done]);
    expect([slow.status(), fast.status()], "the statuses of /sleep and /").toEqual([200, 200]);
    await expectPage(slow.tab, slow.response(), "07-slow-request", "hello.html");
    await expectPage(fast.tab, fast.response(), "07-slow-request", "hello.html");
    const [slowAt = 0, fastAt = 0] = [slow.respondedAt(), fast.respondedAt()];
    // / was sent GAP_MS after /sleep, well within the sleep, yet it was answered only after the whole
    // sleep, and not before /sleep (the two answers can come within the same millisecond).
    expect(slowAt, `/sleep should take the whole SLEEP_MS=${SLEEP_MS}`).toBeGreaterThanOrEqual(SLEEP_MS);
    expect(fastAt, "/ was answered during /sleep's sleep: the sleep did not hold up the server").toBeGreaterThanOrEqual(
      SLEEP_MS,
    );
    expect(fastAt, "/ was answered before /sleep").toBeGreaterThanOrEqual(slowAt);
    // What the reader sees in the terminal: nothing but the address.
    expect(stage.stdout(), "the stage's terminal").toBe(`Listening on ${stage.url}\n`);
    seen(
      "07-slow-request",
      `SLEEP_MS=${SLEEP_MS}: /sleep answered at ${Math.round(slowAt)} ms; / sent ~${GAP_MS} ms later, answered at ${Math.round(fastAt)} ms, after /sleep`,
    );
    await savePicture(browser(), "07-slow-request", [
      { caption: `Tab 1: /sleep, answered after ${(slowAt / 1000).toFixed(1)} s`, png: await snap(slow.tab) },
      {
        caption: `Tab 2: /, opened ${GAP_MS / 1000} s later, answered after ${((fastAt - GAP_MS) / 1000).toFixed(1)} s`,
        png: await snap(fast.tab),
      },
    ]);
  });
});

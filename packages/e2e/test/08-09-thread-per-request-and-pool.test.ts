// 08 and 09 in a browser: /sleep in one tab no longer holds up / in another,
// which finishes while /sleep is still loading.
import { expect, it } from "vitest";
import { LONG_SLEEP_MS } from "testkit";
import { describeInBrowser, seen, useBrowser } from "../src/browser.ts";
import { expectPage } from "../src/pages.ts";
import { TAKING_PICTURES, savePicture, snap } from "../src/pictures.ts";
import { runStage } from "../src/stages.ts";
import { sleepThenRoot } from "../src/two-tabs.ts";

// The pictures show the book's 5 s; the tests sleep far longer than / can take, and do not wait for it.
const SLEEP_MS = TAKING_PICTURES ? 5_000 : LONG_SLEEP_MS;
const GAP_MS = 500;
/** The bound on /'s wait for its answer (a page takes milliseconds; the sleep, 20 s). */
const ANSWERED_WITHIN_MS = 5_000;

describeInBrowser("08 and 09 in Chromium", () => {
  const browser = useBrowser();

  for (const name of ["08-thread-per-request", "09-thread-pool"]) {
    it(`${name}: /sleep in one tab, then / in another: / finishes while /sleep is still loading`, async () => {
      await using stage = await runStage(name, { SLEEP_MS: String(SLEEP_MS), POOL_SIZE: "4" });
      await using tabs = await sleepThenRoot(browser(), stage.url, GAP_MS);
      const { slow, fast } = tabs;
      await fast.done;
      await expectPage(fast.tab, fast.response(), name, "hello.html");
      const fastAt = fast.respondedAt() ?? Number.NaN;
      const waited = fast.waited() ?? Number.NaN;
      // / did not wait for /sleep's thread, nor for anything else: a bound far above a page's
      // milliseconds, even on a busy machine, and far below the sleep.
      expect(waited, `/ waited ${Math.round(waited)} ms for its answer; it should come at once`).toBeLessThan(
        ANSWERED_WITHIN_MS,
      );
      expect(slow.respondedAt(), "/sleep was answered before / came back").toBeUndefined();
      const jobs = stage.stdout().match(/ got a job; executing\.$/gm)?.length ?? 0;
      if (name === "09-thread-pool") {
        // Each worker prints a line per connection it takes: at least /sleep and /.
        expect(jobs, "09's `Worker <id> got a job; executing.` lines").toBeGreaterThanOrEqual(2);
      } else {
        expect(stage.stdout(), "08's terminal: nothing but the address").toBe(`Listening on ${stage.url}\n`);
      }
      seen(
        name,
        `SLEEP_MS=${SLEEP_MS}: / sent ~${GAP_MS} ms after /sleep, answered at ${Math.round(fastAt)} ms, ` +
          `/sleep still loading${name === "09-thread-pool" ? `; ${jobs} "got a job" lines` : ""}`,
      );
      await savePicture(browser(), name, [
        {
          caption: `Tab 2: /, opened ${GAP_MS / 1000} s after /sleep in tab 1, answered while tab 1 still loads`,
          png: await snap(fast.tab),
        },
        { caption: "The stage's terminal meanwhile", terminal: stage.stdout() },
      ]);
    });
  }
});

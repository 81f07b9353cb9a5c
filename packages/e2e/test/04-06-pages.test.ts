// 04–06 in a browser: the Hello! page, its Russian words rendered as
// written; from 05 on, the Oops! page for any other path.
import { expect, it } from "vitest";
import { describeInBrowser, openTab, seen, useBrowser } from "../src/browser.ts";
import { expectServed } from "../src/pages.ts";
import { savePicture, snap } from "../src/pictures.ts";
import { pageText, runStage } from "../src/stages.ts";

const caption = (port: number, path: string): string =>
  `Chromium at http://127.0.0.1:${port}${path} (a test port; yours is 7878)`;

describeInBrowser("the pages of 04–06 in Chromium", () => {
  const browser = useBrowser();

  for (const name of ["04-return-html", "05-validate-request", "06-refactor"]) {
    it(`${name}: / shows the Hello! page, non-ASCII text and all`, async () => {
      await using stage = await runStage(name);
      await using tab = await openTab(browser());
      const status = await expectServed(tab, name, `${stage.url}/`, "hello.html");
      seen(name, `/ → ${status}, "${pageText(name, "hello.html").paragraph}" rendered as written`);
      expect(stage.stdout(), "the stage's terminal: nothing but the address").toBe(`Listening on ${stage.url}\n`);
      const hello = await snap(tab);
      if (name === "04-return-html") {
        await savePicture(browser(), name, [{ caption: caption(stage.port, "/"), png: hello }]);
        return;
      }
      const oops = await expectServed(tab, name, `${stage.url}/nope`, "404.html");
      seen(name, `/nope → ${oops}, the Oops! page`);
      await savePicture(browser(), name, [
        { caption: caption(stage.port, "/"), png: hello },
        { caption: caption(stage.port, "/nope"), png: await snap(tab) },
      ]);
    });
  }

  it("04-return-html: every path shows the Hello! page (it does not look at the request yet)", async () => {
    await using stage = await runStage("04-return-html");
    await using tab = await openTab(browser());
    const status = await expectServed(tab, "04-return-html", `${stage.url}/nope`, "hello.html");
    seen("04-return-html", `/nope → ${status}, the Hello! page`);
  });
});

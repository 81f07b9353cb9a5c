// Which Chromium the browser tests pick (src/chromium.ts), on made-up
// environments: no browser is needed for these.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { HOW_TO_ENABLE, findChromium, locateChromium } from "../src/chromium.ts";

const dir = mkdtempSync(join(tmpdir(), "e2e-chromium-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, mode);
  return path;
}

describe("findChromium", () => {
  it("takes CHROMIUM_PATH first", () => {
    const chosen = file("my-chrome", 0o755);
    expect(findChromium({ CHROMIUM_PATH: chosen, PATH: "/usr/bin" })).toBe(chosen);
  });

  it("refuses a CHROMIUM_PATH that is not an executable file, naming it", () => {
    const plain = file("not-executable", 0o644);
    expect(() => findChromium({ CHROMIUM_PATH: plain })).toThrow(`CHROMIUM_PATH=${plain}: not an executable file`);
    expect(() => findChromium({ CHROMIUM_PATH: join(dir, "missing") })).toThrow("not an executable file");
  });

  it.skipIf(process.platform === "win32")("finds `chromium` on the PATH", () => {
    const onPath = file("chromium", 0o755);
    expect(findChromium({ PATH: `${join(dir, "nothing-here")}:${dir}` })).toBe(onPath);
  });

  it("without one anywhere, returns nothing (or Playwright's own download, where it was installed)", () => {
    const found = findChromium({ PATH: join(dir, "nothing-here") });
    expect([undefined, chromium.executablePath()]).toContain(found);
  });
});

describe("locateChromium", () => {
  const nowhere = { PATH: join(dir, "nothing-here") };
  const downloaded = (): boolean => findChromium(nowhere) !== undefined; // Playwright's own, if installed

  it.skipIf(downloaded())("without a browser, skips with the line that says how to enable the tests", () => {
    expect(locateChromium(nowhere)).toEqual({ skip: HOW_TO_ENABLE });
  });

  it.skipIf(downloaded())("without a browser where one is required (CI, pnpm screenshots), fails saying why", () => {
    for (const flag of ["E2E_REQUIRE_BROWSER", "E2E_SCREENSHOTS"]) {
      const located = locateChromium({ ...nowhere, [flag]: "1" });
      expect(located).toEqual({
        error: expect.stringMatching(/^no Chromium found, and this run needs one\. Install one/),
      });
    }
  });

  it("with a bad CHROMIUM_PATH, fails naming it", () => {
    expect(locateChromium({ CHROMIUM_PATH: join(dir, "missing") })).toEqual({
      error: `CHROMIUM_PATH=${join(dir, "missing")}: not an executable file`,
    });
  });
});

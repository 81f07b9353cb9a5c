// Which Chromium the browser tests pick (src/chromium.ts), on made-up
// environments: no browser is needed for these.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { chromium } from "playwright-core";
import { findChromium } from "../src/chromium.ts";

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

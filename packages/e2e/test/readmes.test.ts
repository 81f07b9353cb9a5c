// The stages' READMEs against what the browser tests see (src/expected.ts):
// each shows its picture under "What you see", in English and in Russian,
// and names the error codes Chromium's error page showed at that stage, and
// no other. Runs without a browser too: it reads files only.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, picturePath } from "../src/expected.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The stages: every package whose name starts with two digits (a new stage needs its picture too). */
const STAGES = readdirSync(`${ROOT}packages`)
  .filter((name) => /^\d\d-/.test(name))
  .sort();
const HEADINGS = { "README.md": "What you see", "README.ru.md": "Что вы увидите" };

/** Every "What you see" section of `text` (`##` or `###`, as 02's and 10's have several), up to the next heading. */
function whatYouSee(text: string, heading: string): string[] {
  const sections: string[] = [];
  const pattern = new RegExp(`^(#{2,3}) ${heading}`, "gm");
  for (const match of text.matchAll(pattern)) {
    const rest = text.slice(match.index + match[0].length);
    const end = rest.search(/^#{2,3} /m);
    sections.push(rest.slice(0, end === -1 ? undefined : end));
  }
  return sections;
}

describe("the stages' READMEs show what the browser showed", () => {
  for (const stage of STAGES) {
    for (const file of ["README.md", "README.ru.md"] as const) {
      it(`${stage}/${file}: its picture under "${HEADINGS[file]}", and Chromium's error codes`, () => {
        const text = readFileSync(`${ROOT}packages/${stage}/${file}`, "utf8");
        const sections = whatYouSee(text, HEADINGS[file]);
        expect(sections.length, `no "${HEADINGS[file]}" heading`).toBeGreaterThan(0);
        const image = `](../../${picturePath(stage)})`;
        const pictured = (section: string): boolean =>
          section.split("\n").some((line) => line.startsWith("![") && line.endsWith(image));
        expect(sections.some(pictured)).toBe(true);
        // Chromium's codes, anywhere in the README (pnpm's own ERR_PNPM_… are not the browser's).
        const named = new Set(text.match(/\bERR_(?!PNPM_)[A-Z_]+\b/g) ?? []);
        expect([...named].sort()).toEqual([...(ERROR_CODES[stage] ?? [])].sort());
      });
    }
  }

  it("every picture is there, a PNG, and small; every code belongs to a stage", () => {
    expect(STAGES).toHaveLength(10);
    for (const stage of Object.keys(ERROR_CODES)) expect(STAGES).toContain(stage);
    for (const stage of STAGES) {
      const path = `${ROOT}${picturePath(stage)}`;
      expect(readFileSync(path).subarray(0, 8).toString("latin1"), path).toBe("\x89PNG\r\n\x1a\n");
      expect(statSync(path).size, path).toBeLessThan(100_000);
    }
  });
});

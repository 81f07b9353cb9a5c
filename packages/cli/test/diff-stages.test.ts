// Which files `pnpm stage:diff` compares and how it prints them, on two
// made-up stages that have what the real ones do not (yet): a nested src/
// folder, pages inside src/, a test/ folder with pages, a binary file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { colourDiff, type DiffOptions, diffStages, stageFiles } from "../src/diff-stages.ts";

let packages = "";
const FROM = "01-one";
const TO = "02-two";

function write(stage: string, path: string, text: string): void {
  const file = join(packages, stage, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeAll(() => {
  packages = mkdtempSync(join(tmpdir(), "stage-diff-"));
  for (const stage of [FROM, TO]) {
    write(stage, "README.md", `# ${stage}\n`);
    write(stage, "package.json", `{ "name": "${stage}" }\n`);
    write(stage, "test/stage.test.ts", `// ${stage}\n`);
    write(stage, "test/fixtures/page.html", `<p>${stage}</p>\n`);
    write(stage, "node_modules/core/src/index.ts", `// ${stage}\n`);
    write(stage, "node_modules/core/index.html", `<p>${stage}</p>\n`);
    write(stage, ".turbo/report.html", `<p>${stage}</p>\n`);
    write(stage, "src/same.ts", "export const same = 1;\n");
  }
  write(FROM, "hello.html", "<p>Hi!</p>\n");
  write(TO, "hello.html", "<p>Hello!</p>\n");
  write(FROM, "src/main.ts", "one\ntwo\nthree\n");
  write(TO, "src/main.ts", "one\n2\nthree\n");
  write(FROM, "src/2018/main.ts", "old edition\n"); // only FROM has a 2018 edition's form
  write(FROM, "src/gone.ts", "bye\n");
  write(TO, "src/new.ts", "hello");
  write(FROM, "src/views/card.html", "<p>card</p>\n");
  write(TO, "src/views/card.html", "<p>a card</p>\n");
  write(FROM, "src/logo.bin", "a\0b");
  write(TO, "src/logo.bin", "a\0c");
});
afterAll(() => rmSync(packages, { recursive: true, force: true }));

describe("stageFiles", () => {
  const shown = (options: DiffOptions): string[] => [...stageFiles(join(packages, FROM), options).keys()];

  it("takes every file under src/, at any depth, but pages and the 2018 edition's src/2018/", () => {
    expect(shown({ pages: false })).toEqual(["src/gone.ts", "src/logo.bin", "src/main.ts", "src/same.ts"]);
  });

  it("with pages, every *.html of the stage too, but none from test/, node_modules or a dot folder", () => {
    expect(shown({ pages: true })).toEqual([
      "hello.html",
      "src/gone.ts",
      "src/logo.bin",
      "src/main.ts",
      "src/same.ts",
      "src/views/card.html",
    ]);
  });

  it("with the 2018 edition, a src/2018/ file stands in for the src/ file of the same name", () => {
    const files = stageFiles(join(packages, FROM), { pages: false, edition2018: true });
    expect([...files]).toEqual([
      ["src/gone.ts", "src/gone.ts"],
      ["src/logo.bin", "src/logo.bin"],
      ["src/main.ts", "src/2018/main.ts"],
      ["src/same.ts", "src/same.ts"],
    ]);
  });
});

describe("diffStages", () => {
  it("prints changed, new and deleted files in git's format, sorted by path, and nothing for the same file", () => {
    expect(diffStages(packages, FROM, TO, { pages: false })).toBe(
      [
        "diff --git a/01-one/src/gone.ts b/01-one/src/gone.ts",
        "deleted file mode 100644",
        "--- a/01-one/src/gone.ts",
        "+++ /dev/null",
        "@@ -1,1 +0,0 @@",
        "-bye",
        "diff --git a/01-one/src/logo.bin b/02-two/src/logo.bin",
        "Binary files a/01-one/src/logo.bin and b/02-two/src/logo.bin differ",
        "diff --git a/01-one/src/main.ts b/02-two/src/main.ts",
        "--- a/01-one/src/main.ts",
        "+++ b/02-two/src/main.ts",
        "@@ -1,3 +1,3 @@",
        " one",
        "-two",
        "+2",
        " three",
        "diff --git a/02-two/src/new.ts b/02-two/src/new.ts",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/02-two/src/new.ts",
        "@@ -0,0 +1,1 @@",
        "+hello",
        "\\ No newline at end of file",
        "",
      ].join("\n"),
    );
  });

  it("with the 2018 edition, compares a stage's 2018 form with the other stage's form, under their real paths", () => {
    const patch = diffStages(packages, FROM, TO, { pages: false, edition2018: true });
    expect(patch).toContain(
      [
        "diff --git a/01-one/src/2018/main.ts b/02-two/src/main.ts",
        "--- a/01-one/src/2018/main.ts",
        "+++ b/02-two/src/main.ts",
        "@@ -1,1 +1,3 @@",
        "-old edition",
        "+one",
        "+2",
        "+three",
        "",
      ].join("\n"),
    );
    expect(patch).not.toContain("a/01-one/src/main.ts");
  });

  it("with pages, the pages' changes come in their place by path", () => {
    const patch = diffStages(packages, FROM, TO, { pages: true });
    expect(patch).toMatch(/^diff --git a\/01-one\/hello\.html b\/02-two\/hello\.html\n/);
    expect(patch).toContain("-<p>Hi!</p>\n+<p>Hello!</p>\n");
    expect(patch).toContain("diff --git a/01-one/src/views/card.html b/02-two/src/views/card.html\n");
    expect(patch).not.toContain("test/");
    expect(patch).not.toContain("node_modules");
    expect(patch).not.toContain(".turbo");
  });

  it("is empty for a stage and itself", () => {
    expect(diffStages(packages, FROM, FROM, { pages: true })).toBe("");
  });
});

describe("colourDiff", () => {
  const patch = [
    "diff --git a/01-one/src/main.ts b/02-two/src/main.ts",
    "--- a/01-one/src/main.ts",
    "+++ b/02-two/src/main.ts",
    "@@ -1,3 +1,3 @@",
    " one",
    "--- a removed line that looks like a header",
    "+++ an added one",
    "\\ No newline at end of file",
    "",
  ].join("\n");

  it("colours as git does when colour is forced: the lines in hunks by their first character", () => {
    vi.stubEnv("FORCE_COLOR", "1");
    vi.stubEnv("NO_COLOR", undefined);
    try {
      expect(colourDiff(patch)).toBe(
        [
          "\x1b[1mdiff --git a/01-one/src/main.ts b/02-two/src/main.ts\x1b[22m",
          "\x1b[1m--- a/01-one/src/main.ts\x1b[22m",
          "\x1b[1m+++ b/02-two/src/main.ts\x1b[22m",
          "\x1b[36m@@ -1,3 +1,3 @@\x1b[39m",
          " one",
          "\x1b[31m--- a removed line that looks like a header\x1b[39m",
          "\x1b[32m+++ an added one\x1b[39m",
          "\\ No newline at end of file",
          "",
        ].join("\n"),
      );
      expect(stripVTControlCharacters(colourDiff(patch))).toBe(patch);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("leaves the text as it is for a stream that is no terminal, colour neither forced nor refused", () => {
    vi.stubEnv("FORCE_COLOR", undefined);
    vi.stubEnv("NO_COLOR", undefined);
    vi.stubEnv("NODE_DISABLE_COLORS", undefined);
    try {
      expect(colourDiff(patch, new PassThrough())).toBe(patch);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

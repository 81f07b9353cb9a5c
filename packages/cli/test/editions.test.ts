// Every listing number a reader meets, in the READMEs, docs/editions.md, the
// package descriptions and the stages' comments, is the one src/editions.ts
// gives for that stage and edition; and the checks below fail on the mistakes
// they are there for.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHAPTER, EDITIONS, formatListings, STEPS, stageListings } from "../src/editions.ts";
import { listStages } from "../src/stages.ts";
import {
  checkMarkdown,
  checkSource,
  commentBlocks,
  editionTableProblems,
  listingsByEdition,
  type Problem,
  stageTableProblems,
  tables,
} from "./listing-mentions.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const packages = join(root, "packages");
const stages = listStages(packages);
const read = (path: string) => readFileSync(join(root, path), "utf8");
const show = (problems: readonly Problem[]) => problems.map((p) => `line ${p.line}: ${p.message}\n    ${p.text}`);

/** The .ts files under `dir`, recursively. */
function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("src/editions.ts", () => {
  it.each(EDITIONS)("numbers the %s edition's listings 1 to n with no gap, in order", (edition) => {
    const listings = STEPS.flatMap((step) => step.listing[edition] ?? []);
    const count = { "2018": 26, "2021": 25, "2024": 25 }[edition];
    expect(listings).toEqual(Array.from({ length: count }, (_, i) => `${CHAPTER[edition]}-${i + 1}`));
  });

  it("gives every stage at least one listing in every edition, and no listing to anything else", () => {
    expect([...new Set(STEPS.map((step) => step.stage))]).toEqual(stages);
    for (const stage of stages) {
      for (const edition of EDITIONS) expect(stageListings(stage, edition), `${stage} ${edition}`).not.toEqual([]);
    }
  });

  it("writes runs of three or more with …", () => {
    expect(formatListings(stageListings("09-thread-pool", "2018"))).toBe("20-12 … 20-22");
    expect(formatListings(stageListings("04-return-html", "2024"))).toBe("21-4, 21-5");
    expect(formatListings(["20-1", "20-3", "20-4", "20-5"])).toBe("20-1, 20-3 … 20-5");
  });
});

describe.each(stages)("%s", (stage) => {
  it("README: its table names exactly the stage's listings in each edition", () => {
    expect(stageTableProblems(read(`packages/${stage}/README.md`), stage)).toEqual([]);
  });

  it("README: every listing number is the right one for the edition it is given for", () => {
    expect(show(checkMarkdown(read(`packages/${stage}/README.md`), stage))).toEqual([]);
  });

  it("src/main.ts opens with a comment naming exactly the stage's listings in each edition", () => {
    const [header] = commentBlocks(read(`packages/${stage}/src/main.ts`));
    const want = Object.fromEntries(EDITIONS.map((edition) => [edition, stageListings(stage, edition)]));
    expect(listingsByEdition(header?.text ?? "")).toEqual(want);
  });
});

describe("the root README", () => {
  const readme = read("README.md");

  it("has a stage table with a column per edition naming exactly each stage's listings", () => {
    const table = tables(readme).find((t) => t.header.some((cell) => /2018/.test(cell)));
    expect(table, "a table whose header names the 2018 edition").toBeDefined();
    if (!table) return;
    const stageOf = (cells: string[]) => /packages\/(\d{2}-[a-z0-9-]+)/.exec(cells[0] ?? "")?.[1];
    expect(editionTableProblems(table, stageOf, stages)).toEqual([]);
  });

  it("names every listing number for the edition it is given for", () => {
    expect(show(checkMarkdown(readme))).toEqual([]);
  });
});

describe("docs/editions.md", () => {
  const doc = read("docs/editions.md");
  const sections = doc.split(/^(?=## \d{2}-)/m).slice(1);

  it("has a section for every stage, in order", () => {
    expect(sections.map((section) => /^## (\d{2}-[a-z0-9-]+)/.exec(section)?.[1])).toEqual(stages);
  });

  it.each(sections.map((section) => [/^## (\d{2}-[a-z0-9-]+)/.exec(section)?.[1] ?? "", section]))(
    "%s: a listing per row, a column per edition, exactly the stage's",
    (stage, section) => {
      const [table] = tables(section);
      expect(table).toBeDefined();
      if (table) expect(editionTableProblems(table, () => stage, [stage], true)).toEqual([]);
    },
  );

  it("names every listing number for the edition it is given for", () => {
    expect(show(checkMarkdown(doc))).toEqual([]);
  });
});

describe("the other READMEs and every comment under packages/*/src", () => {
  const others = readdirSync(packages)
    .filter((name) => !stages.includes(name) && existsSync(join(packages, name, "README.md")))
    .map((name) => `packages/${name}/README.md`);

  it.each(others)("%s names every listing number for the edition it is given for", (path) => {
    expect(show(checkMarkdown(read(path)))).toEqual([]);
  });

  const manifests = readdirSync(packages)
    .filter((name) => existsSync(join(packages, name, "package.json")))
    .map((name) => `packages/${name}/package.json`);
  it.each(["package.json", ...manifests])("%s: a description that names a listing says which edition", (path) => {
    const { description = "" } = JSON.parse(read(path)) as { description?: string };
    const stage = stages.find((name) => path === `packages/${name}/package.json`);
    expect(show(checkMarkdown(description, stage))).toEqual([]);
  });

  // src/editions.ts is the table itself, listing numbers in code and all.
  const files = readdirSync(packages)
    .flatMap((name) => sources(join(packages, name, "src")))
    .filter((file) => !file.endsWith(join("cli", "src", "editions.ts")));
  it.each(files.map((file) => relative(root, file)))("%s: listings in comments, for all three editions", (path) => {
    const name = path.split("/")[1] ?? "";
    const stage = stages.includes(name) ? name : undefined;
    expect(show(checkSource(read(path), stage, path.includes("/src/2018/")))).toEqual([]);
  });
});

describe("the checks fail on what they are there for", () => {
  it("a README that gives the 2018 edition the 2021 edition's numbers", () => {
    const wrong =
      'Book section: "Graceful shutdown", listings **20-22** to **20-25** (chapter 20 of the 2018 and 2021 editions).';
    expect(checkMarkdown(wrong, "10-graceful-shutdown").map((p) => p.message)).toContainEqual(
      expect.stringContaining("20-22 is not the same listing in the 2018 and 2021 editions"),
    );
  });

  it("a 2018 sentence with a number that is another stage's listing in that edition", () => {
    const wrong = "In the 2018 edition, listing 20-22 joins each worker's thread.";
    expect(checkMarkdown(wrong, "10-graceful-shutdown").map((p) => p.message)).toEqual([
      expect.stringContaining("stage 09-thread-pool's, not a listing of 10-graceful-shutdown"),
    ]);
    expect(checkMarkdown("The 2018 edition's pool is 20-12 … 20-22.", "09-thread-pool")).toEqual([]);
  });

  it("a number that means one listing in the 2018 edition and another in the 2021 edition, with no edition said", () => {
    const wrong = "Listing 20-21 shows a `while let` version of the loop.";
    expect(checkMarkdown(wrong, "09-thread-pool").map((p) => p.message)).toEqual([
      expect.stringContaining("20-21 names a different listing in the 2018 and 2021 editions"),
    ]);
    expect(checkMarkdown("Listing 20-21 (2021 edition) shows a `while let` loop.", "09-thread-pool")).toEqual([]);
    expect(checkMarkdown("The interface comes first (20-12).", "09-thread-pool")).toEqual([]);
  });

  it("a number under a heading that names the 2018 edition, read as the 2018 edition's", () => {
    const section = (sentence: string) =>
      ["## The 2018 edition and the Russian print", "", sentence, "", "## Ctrl+C", "", "Listing 20-23 drops it."].join(
        "\n",
      );
    const messages = (sentence: string) =>
      checkMarkdown(section(sentence), "10-graceful-shutdown").map((p) => p.message);
    expect(messages("Their chapter ends with another shutdown, in listings 20-23 to 20-26.")).toEqual([
      expect.stringContaining("20-23 names a different listing in the 2018 and 2021 editions"),
    ]);
    expect(messages("Their chapter ends with another shutdown, in listings 20-22 to 20-25.")).toEqual([
      expect.stringContaining("20-22 of the 2018 edition"),
      expect.stringContaining("20-23 names a different listing in the 2018 and 2021 editions"),
    ]);
  });

  it("a sentence that names two editions and leaves a number to either", () => {
    const wrong = "The 2018 and 2021 editions differ from 20-21 on.";
    expect(checkMarkdown(wrong, "09-thread-pool").map((p) => p.message)).toEqual([
      expect.stringContaining("say which edition each number is"),
    ]);
  });

  it("a stage README table with the 2021 edition's range on the 2018 row", () => {
    const table = [
      "| edition | chapter | listings |",
      "| --- | --- | --- |",
      "| 2018 edition and the Russian print | 20 | 20-12 … 20-21 |",
      "| 2021 edition | 20 | 20-12 … 20-21 |",
      "| 2024 edition | 21 | 21-12 … 21-21 |",
    ].join("\n");
    expect(stageTableProblems(table, "09-thread-pool")).toEqual([
      "line 3: 2018 edition lists 20-12 20-13 20-14 20-15 20-16 20-17 20-18 20-19 20-20 20-21, not 20-12 20-13 20-14 20-15 20-16 20-17 20-18 20-19 20-20 20-21 20-22",
    ]);
    expect(
      stageTableProblems(table.replace("20-12 … 20-21 |\n| 2021", "20-12 … 20-22 |\n| 2021"), "09-thread-pool"),
    ).toEqual([]);
  });

  it("a root README column that gives one range to two editions", () => {
    const table = tables(
      [
        "| package | listings: ch. 20 (2018, 2021, Russian print) / ch. 21 (2024) |",
        "| --- | --- |",
        "| [`10-graceful-shutdown`](packages/10-graceful-shutdown) | 20-22 … 20-25 / 21-22 … 21-25 |",
      ].join("\n"),
    )[0];
    expect(table && editionTableProblems(table, () => "10-graceful-shutdown", ["10-graceful-shutdown"])).toContain(
      "no single 2018 column",
    );
    expect(
      checkMarkdown(
        table ? [table.header, table.rows[0]?.cells ?? []].map((c) => `| ${c.join(" | ")} |`).join("\n") : "",
      ),
    ).not.toEqual([]);
  });

  it("a source comment that names a listing for only some editions, or leaves it ambiguous", () => {
    const comment = "// The worker's loop, ending when the channel is closed (listing 20-24 / 21-24).\nexport {};\n";
    expect(checkSource(comment, "10-graceful-shutdown", false).map((p) => p.message)).toEqual([
      expect.stringContaining("20-24 names a different listing"),
      "names a listing but not the 2018 and 2021 and 2024 editions",
    ]);
    const right =
      "// The worker's loop, ending when the channel is closed: listing 20-24 (2021 edition), 21-24 (2024);\n" +
      "// the 2018 edition's worker stops on a Terminate message instead, 20-24 (2018 edition).\nexport {};\n";
    expect(checkSource(right, "10-graceful-shutdown", false)).toEqual([]);
  });

  it("a header comment that misses an edition's listings", () => {
    const header = "// Graceful shutdown — listings 20-22 … 20-25 (2018 and 2021 editions), 21-22 … 21-25 (2024).";
    expect(listingsByEdition(header)["2018"]).not.toEqual(stageListings("10-graceful-shutdown", "2018"));
    const right =
      "// Graceful shutdown — listings 20-23 … 20-26 (2018 edition), 20-22 … 20-25 (2021), 21-22 … 21-25 (2024).";
    expect(listingsByEdition(right)).toEqual({
      "2018": stageListings("10-graceful-shutdown", "2018"),
      "2021": stageListings("10-graceful-shutdown", "2021"),
      "2024": stageListings("10-graceful-shutdown", "2024"),
    });
  });
});

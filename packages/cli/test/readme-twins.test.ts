// Every English README has a Russian twin for readers of the Russian print:
// each links the other at the top, every relative link in the Russian one
// leads to a file (and a heading) that exists, the twin names the stage's
// listings as the reader's own book numbers them (the 2018 edition's), and
// «поток» never stands alone, since the chapter has both streams and threads.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { STEPS } from "../src/editions.ts";
import { listStages } from "../src/stages.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const stages = listStages(join(root, "packages"));
const folders = ["", "packages/core", ...stages.map((stage) => `packages/${stage}`)];

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

function anchors(file: string): Set<string> {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((match) => slug(match[1] ?? "")));
}

/** The relative links of a Markdown file that lead nowhere: a missing file, or a heading it does not have. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/```[\s\S]*?```/g, "");
  const broken: string[] = [];
  for (const [, target = ""] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
    const [path = "", anchor] = target.split("#");
    const linked = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(linked)) broken.push(`${target}: no such file`);
    else if (anchor !== undefined && linked.endsWith(".md") && !anchors(linked).has(decodeURIComponent(anchor)))
      broken.push(`${target}: no such heading`);
  }
  return broken;
}

/**
 * «поток» in any form, not followed by «выполнения» (a thread) or «данных»
 * (a stream); the word in quotes («поток»), as the glossary names it, is a
 * mention, not a use.
 */
const BARE_POTOK = /(?<![\p{L}«])поток(?:а|у|ом|е|и|ов|ам|ами|ах)?(?![\p{L}»])(?!\s+(?:выполнения|данных))/giu;

describe.each(folders)("README.ru.md in %s", (folder) => {
  const english = join(root, folder, "README.md");
  const russian = join(root, folder, "README.ru.md");

  it("exists beside README.md, and each links the other in its first lines", () => {
    expect(existsSync(russian), `${russian} is missing`).toBe(true);
    const top = (file: string): string => readFileSync(file, "utf8").split("\n").slice(0, 4).join("\n");
    expect(top(english)).toContain("](README.ru.md)");
    expect(top(russian)).toContain("](README.md)");
  });

  it("has no relative link to a file or heading that does not exist", () => {
    expect(brokenLinks(russian)).toEqual([]);
  });

  it("never says «поток» alone: a thread is «поток выполнения», a stream «поток данных»", () => {
    const text = readFileSync(russian, "utf8");
    expect([...text.matchAll(BARE_POTOK)].map((match) => text.slice(match.index, match.index + 30))).toEqual([]);
  });
});

describe.each(stages)("packages/%s/README.ru.md", (stage) => {
  const own = STEPS.filter((step) => step.stage === stage).flatMap((step) => step.listing["2018"] ?? []);
  it("names the listings as the Russian print (the 2018 edition) numbers them", () => {
    expect(own.length).toBeGreaterThan(0);
    const text = readFileSync(join(root, "packages", stage, "README.ru.md"), "utf8");
    for (const listing of [own[0], own.at(-1)]) expect(text).toContain(listing);
  });
});

describe("the checks themselves", () => {
  it("slug() gives GitHub's anchors, Cyrillic included", () => {
    expect(slug("Сверх книги: `Connection: close` (Beyond the book)")).toBe(
      "сверх-книги-connection-close-beyond-the-book",
    );
    expect(slug("What changed since 08")).toBe("what-changed-since-08");
  });

  it("«поток» alone is caught; «поток выполнения», «потоков данных», «потоковый» are not", () => {
    const found = (text: string): number => [...text.matchAll(BARE_POTOK)].length;
    expect(found("каждый поток ждёт")).toBe(1);
    expect(found("Потоки и соединения")).toBe(1);
    expect(found("поток выполнения, потоков данных, потоковый, слово «поток»")).toBe(0);
  });

  it("every stage folder is checked", () => {
    expect(readdirSync(join(root, "packages")).filter((name) => stages.includes(name))).toHaveLength(10);
  });
});

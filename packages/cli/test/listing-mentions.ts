// Finds the book's listing numbers (`20-21`) in a README or in a source file's
// comments, works out which edition each one is meant for, and reports every
// mention that does not match packages/cli/src/editions.ts.
//
// A number is tied to an edition by how it is written:
//   - `20-12 … 20-22 (2018 edition)`: a parenthesis right after it that names
//     editions and holds no listing number;
//   - `20-22 in the 2018 edition`, `20-5 of the 2018 edition`;
//   - a sentence, list item or table cell that names just one edition
//     (`2018`, `the Russian print`, `2021`, `2024`), or a table column whose
//     header does;
//   - otherwise, a section whose heading names just one edition ("The 2018
//     edition and the Russian print"), or a file under `src/2018/`;
//   - a parenthesis that holds numbers and editions is read as a sentence of
//     its own: `20-1 (21-1 in the 2024 edition)`.
// A number tied to editions must be a listing of each of them, the same
// listing in each, and one of the stage's own (or of a stage that the same
// sentence names). A number tied to none must mean the same listing in the
// 2018 and 2021 editions, which share chapter 20: `20-21` alone is refused.
import { CHAPTER, EDITIONS, type Edition, STEPS, stageListings, stepOf } from "../src/editions.ts";

export interface Problem {
  readonly line: number;
  readonly text: string;
  readonly message: string;
}

/** A piece of text that is read as one sentence, with where it starts. */
interface Unit {
  readonly text: string;
  readonly line: number;
  /** Stages this unit is about: the file's own, and any it links to or names. */
  readonly stages: readonly string[];
  /** The edition that the section it is in is about, from a heading such as "The 2018 edition". */
  readonly section?: readonly Edition[] | undefined;
}

const NUM = String.raw`\*{0,2}(?<![\w-])2[01]-\d{1,2}(?![\w-])\*{0,2}`;
const SEP = String.raw`(?:,\s*(?:and\s+)?|\s+and\s+|\s*…\s*|\s+to\s+|\s*–\s*)`;
const RUN = `${NUM}(?:${SEP}${NUM})*`;
const ONE_NUMBER = /(?<![\w-])2[01]-\d{1,2}(?![\w-])/g;
const HAS_NUMBER = /(?<![\w-])2[01]-\d{1,2}(?![\w-])/;

const EDITION_NAMES: Readonly<Record<Edition, RegExp>> = {
  "2018": /\b2018\b|\bRussian\b/,
  "2021": /\b2021\b/,
  "2024": /\b2024\b/,
};

/** The editions that `text` names. */
export function editionsNamed(text: string): Edition[] {
  return EDITIONS.filter((edition) => EDITION_NAMES[edition].test(text));
}

/** The listings a run such as `20-4, 20-5` or `**20-12** … **20-22**` stands for, ranges expanded. */
export function expandRun(run: string): string[] {
  const tokens = run.replaceAll("*", "").split(/(2[01]-\d{1,2})/);
  const listings: string[] = [];
  for (let i = 1; i < tokens.length; i += 2) {
    const listing = tokens[i] ?? "";
    const separator = tokens[i - 1] ?? "";
    const previous = listings.at(-1);
    if (previous !== undefined && /…|\bto\b|–/.test(separator)) {
      const [chapter, from] = previous.split("-");
      const [toChapter, to] = listing.split("-");
      if (chapter === toChapter) {
        for (let n = Number(from) + 1; n < Number(to); n++) listings.push(`${chapter}-${n}`);
      }
    }
    listings.push(listing);
  }
  return listings;
}

/** The stages that `text` links to or names ("stage 09", `../09-thread-pool`, `packages/09-…`). */
function stagesNamed(text: string, known: readonly string[]): string[] {
  const numbers = [...text.matchAll(/\bstages? (\d{2})\b|(?:\.\.\/|packages\/)(\d{2})-/g)].map((m) => m[1] ?? m[2]);
  return known.filter((stage) => numbers.includes(stage.slice(0, 2)));
}

const STAGES = [...new Set(STEPS.map((step) => step.stage))];

/**
 * Calls `tie` for every run of listings written with its editions, as
 * `20-12 … 20-22 (2018 edition)` or `20-22 in the 2018 edition`, and returns
 * the text without them.
 */
function tieRuns(text: string, tie: (run: string, editions: readonly Edition[]) => void): string {
  const inParens = new RegExp(`(${RUN})\\s*\\(([^()]*)\\)`, "g");
  const inThe = new RegExp(
    `(${RUN})\\s+(?:in|of)\\s+the\\s+(?=2018|2021|2024|Russian)([^,;.:()]*?)(?=[,;.:()]|${NUM}|$)`,
    "g",
  );
  return text
    .replace(inParens, (whole, run: string, inner: string) => {
      const editions = editionsNamed(inner);
      if (editions.length === 0 || HAS_NUMBER.test(inner)) return whole;
      tie(run, editions);
      return " ";
    })
    .replace(inThe, (_whole, run: string, span: string) => {
      tie(run, editionsNamed(span));
      return " ";
    });
}

/** Checks every listing number in `unit`. */
function checkUnit(unit: Unit, problems: Problem[]): void {
  const report = (message: string) => problems.push({ line: unit.line, text: unit.text, message });
  let text = unit.text;

  // A parenthesis that holds listing numbers and names an edition is a sentence of its own.
  text = text.replace(/\(([^()]*)\)/g, (whole, inner: string) => {
    if (!HAS_NUMBER.test(inner) || editionsNamed(inner).length === 0) return whole;
    checkUnit({ ...unit, text: inner }, problems);
    return " ";
  });

  text = tieRuns(text, (run, editions) => {
    for (const listing of expandRun(run)) checkTied(listing, editions, unit, report);
  });

  const rest = [...text.matchAll(ONE_NUMBER)].map((m) => m[0]);
  if (rest.length === 0) return;
  const named = editionsNamed(text);
  const editions = named.length > 0 ? named : (unit.section ?? []);
  if (editions.length === 1) {
    for (const listing of rest) checkTied(listing, editions, unit, report);
  } else if (editions.length > 1) {
    report(
      `${rest.join(", ")} in a sentence that names the ${editions.join(", ")} editions: say which edition each number is, as "20-21 (2021 edition)" or "20-21 in the 2021 edition"`,
    );
  } else {
    for (const listing of rest) checkUntied(listing, report);
  }
}

function checkTied(listing: string, editions: readonly Edition[], unit: Unit, report: (message: string) => void) {
  const steps = editions.map((edition) => stepOf(listing, edition));
  for (const [i, edition] of editions.entries()) {
    if (steps[i] === undefined) {
      report(`${listing} is no listing of the ${edition} edition (its chapter is ${CHAPTER[edition]})`);
      return;
    }
  }
  const first = steps[0];
  if (steps.some((step) => step !== first)) {
    const meanings = editions.map((edition, i) => `${edition}: ${steps[i]?.about}`).join("; ");
    report(`${listing} is not the same listing in the ${editions.join(" and ")} editions (${meanings})`);
    return;
  }
  if (first !== undefined && unit.stages.length > 0 && !unit.stages.includes(first.stage)) {
    const own = editions.map(
      (edition) => `${edition}: ${unit.stages.map((s) => stageListings(s, edition).join(" ")).join(" ")}`,
    );
    report(
      `${listing} of the ${editions.join(" and ")} edition is "${first.about}", stage ${first.stage}'s, not a listing of ${unit.stages.join(", ")} (${own.join("; ")})`,
    );
  }
}

function checkUntied(listing: string, report: (message: string) => void) {
  const chapter = Number(listing.split("-")[0]);
  const editions = EDITIONS.filter((edition) => CHAPTER[edition] === chapter);
  const steps = editions.map((edition) => stepOf(listing, edition));
  if (steps.every((step) => step === undefined)) {
    report(`${listing} is no listing of any edition`);
  } else if (steps.some((step) => step !== steps[0])) {
    const meanings = editions.map((edition, i) => `${edition}: ${steps[i]?.about ?? "none"}`).join("; ");
    report(
      `${listing} names a different listing in the ${editions.join(" and ")} editions (${meanings}); say which edition`,
    );
  }
}

/** Splits a cell row of a Markdown table, keeping `\|` inside cells. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, "")
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The sentences, list items, headings and table cells of a Markdown file, fenced code left out. */
export function markdownUnits(markdown: string, stage: string | undefined): Unit[] {
  const lines = markdown.split("\n");
  const units: Unit[] = [];
  let block: { text: string[]; line: number } | undefined;
  let fenced = false;
  let contextStage = stage;
  let section: { level: number; editions: Edition[] } | undefined;
  const own = () => (contextStage ? [contextStage] : []);
  const flush = () => {
    if (block) {
      const text = block.text.join(" ");
      const sentences = text.split(/(?<=[.!?])\s+(?=[A-Z*`(["«])/);
      for (const sentence of sentences) {
        units.push({
          text: sentence,
          line: block.line,
          stages: [...new Set([...own(), ...stagesNamed(sentence, STAGES)])],
          section: section?.editions,
        });
      }
    }
    block = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*```/.test(line)) {
      flush();
      fenced = !fenced;
      continue;
    }
    if (fenced) continue;
    if (/^\s*\|/.test(line)) {
      flush();
      const header = cells(line);
      let j = i + 1;
      if (/^\s*\|[\s|:-]+\|\s*$/.test(lines[j] ?? "")) j++;
      for (; j < lines.length && /^\s*\|/.test(lines[j] ?? ""); j++) {
        const row = cells(lines[j] ?? "");
        const rowStages = stagesNamed(row[0] ?? "", STAGES);
        for (const [k, cell] of row.entries()) {
          const context = `${header[k] ?? ""} ${k > 0 ? (row[0] ?? "") : ""}`;
          const stages = [...new Set([...(rowStages.length > 0 ? rowStages : own()), ...stagesNamed(cell, STAGES)])];
          // The cell's own text is what is checked; the header and first cell only say which edition.
          if (HAS_NUMBER.test(cell)) {
            units.push({ text: labelCell(cell, context), line: j + 1, stages, section: section?.editions });
          }
        }
      }
      i = j - 1;
      continue;
    }
    const heading = /^#{1,6}\s/.test(line);
    if (line.trim() === "" || heading || /^\s*(?:[-*]|\d+\.)\s/.test(line)) flush();
    if (heading) {
      const level = /^#+/.exec(line)?.[0].length ?? 1;
      if (section && level <= section.level) section = undefined;
      const editions = editionsNamed(line);
      if (editions.length === 1) section = { level, editions };
      const named = /^##\s+(\d{2}-[a-z0-9-]+)/.exec(line)?.[1];
      if (stage === undefined && named !== undefined && STAGES.includes(named)) contextStage = named;
      units.push({ text: line, line: i + 1, stages: [...new Set([...own(), ...stagesNamed(line, STAGES)])] });
      continue;
    }
    if (line.trim() === "") continue;
    block ??= { text: [], line: i + 1 };
    block.text.push(line.trim());
  }
  flush();
  return units;
}

/** A table cell, with the editions its column or row names added when it names none itself. */
function labelCell(cell: string, context: string): string {
  if (editionsNamed(cell).length > 0) return cell;
  const editions = editionsNamed(context);
  return editions.length > 0 ? `${cell} (${editions.join(" and ")} column)` : cell;
}

/** Every problem with the listing numbers of a Markdown file; `stage` is the stage it documents. */
export function checkMarkdown(markdown: string, stage?: string): Problem[] {
  const problems: Problem[] = [];
  for (const unit of markdownUnits(markdown, stage)) checkUnit(unit, problems);
  return problems;
}

/**
 * The comments of a TypeScript file: each run of whole-line comments (`//`,
 * and the lines of a block comment) as one block, and each comment after
 * code on a line as a block of its own.
 */
export function commentBlocks(source: string): { text: string; line: number }[] {
  const blocks: { text: string; line: number }[] = [];
  let current: { text: string[]; line: number } | undefined;
  const end = () => {
    if (current) blocks.push({ text: current.text.join(" "), line: current.line });
    current = undefined;
  };
  for (const [i, line] of source.split("\n").entries()) {
    const whole = /^\s*(?:\/\/+|\/\*+|\*(?!\/))(.*?)(?:\*\/)?\s*$/.exec(line);
    if (whole) {
      current ??= { text: [], line: i + 1 };
      current.text.push((whole[1] ?? "").trim());
      continue;
    }
    end();
    const trailing = /\s\/\/\s(.*)$/.exec(line);
    if (trailing) blocks.push({ text: (trailing[1] ?? "").trim(), line: i + 1 });
  }
  end();
  return blocks;
}

/**
 * Every problem with the listing numbers of a stage's source file: numbers
 * outside comments, mentions that do not match, and comments that name a
 * listing without saying it for all three editions (a file under `src/2018/`
 * may speak of the 2018 edition alone).
 */
export function checkSource(source: string, stage: string | undefined, only2018: boolean): Problem[] {
  const problems: Problem[] = [];
  const blocks = commentBlocks(source);
  for (const [i, line] of source.split("\n").entries()) {
    if (/^\s*(?:\/\/|\/\*|\*)/.test(line)) continue;
    const code = line.replace(/\s\/\/\s.*$/, "");
    if (HAS_NUMBER.test(code))
      problems.push({ line: i + 1, text: line, message: "a listing number outside a comment" });
  }
  for (const block of blocks) {
    if (!HAS_NUMBER.test(block.text)) continue;
    const sentences = block.text.split(/(?<=[.!?])\s+(?=[A-Z*`(["«])/);
    for (const sentence of sentences) {
      const stages = [...(stage ? [stage] : []), ...stagesNamed(sentence, STAGES)];
      const section: Edition[] | undefined = only2018 ? ["2018"] : undefined;
      checkUnit({ text: sentence, line: block.line, stages, section }, problems);
    }
    const named = editionsNamed(block.text);
    const wanted: readonly Edition[] = only2018 ? ["2018"] : EDITIONS;
    const missing = wanted.filter((edition) => !named.includes(edition));
    if (missing.length > 0) {
      problems.push({
        line: block.line,
        text: block.text,
        message: `names a listing but not the ${missing.join(" and ")} edition${missing.length > 1 ? "s" : ""}`,
      });
    }
  }
  return problems;
}

/**
 * The listings that `text` ties to each edition, by the rules above: for a
 * header comment or a table that must name a stage's listings exactly.
 */
export function listingsByEdition(text: string): Record<Edition, string[]> {
  const found: Record<Edition, string[]> = { "2018": [], "2021": [], "2024": [] };
  const add = (run: string, editions: readonly Edition[]) => {
    for (const edition of editions) found[edition].push(...expandRun(run));
  };
  const rest = tieRuns(text, add);
  const editions = editionsNamed(rest);
  const runs = [...rest.matchAll(new RegExp(RUN, "g"))].map((m) => m[0]);
  if (editions.length === 1) for (const run of runs) add(run, editions);
  return found;
}

/** The Markdown tables of a file: header cells, and each body row's cells with its line number. */
export function tables(
  markdown: string,
): { header: string[]; line: number; rows: { cells: string[]; line: number }[] }[] {
  const lines = markdown.split("\n");
  const found: { header: string[]; line: number; rows: { cells: string[]; line: number }[] }[] = [];
  let fenced = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced || !/^\s*\|/.test(line)) continue;
    const table = { header: cells(line), line: i + 1, rows: [] as { cells: string[]; line: number }[] };
    let j = i + 1;
    if (/^\s*\|[\s|:-]+\|\s*$/.test(lines[j] ?? "")) j++;
    for (; j < lines.length && /^\s*\|/.test(lines[j] ?? ""); j++) {
      table.rows.push({ cells: cells(lines[j] ?? ""), line: j + 1 });
    }
    found.push(table);
    i = j - 1;
  }
  return found;
}

/**
 * A stage README's table of listings, `| edition | chapter | listings |`,
 * one row per edition: what it lacks or gets wrong.
 */
export function stageTableProblems(markdown: string, stage: string): string[] {
  const found = tables(markdown).filter((table) => table.header.join("|").toLowerCase() === "edition|chapter|listings");
  if (found.length !== 1) return [`${found.length} tables "| edition | chapter | listings |", not one`];
  const problems: string[] = [];
  const seen: Edition[] = [];
  for (const row of found[0]?.rows ?? []) {
    const [name = "", chapter = "", listings = ""] = row.cells;
    const editions = editionsNamed(name);
    const edition = editions[0];
    if (editions.length !== 1 || edition === undefined) {
      problems.push(`line ${row.line}: "${name}" names ${editions.length} editions, not one`);
      continue;
    }
    seen.push(edition);
    if (chapter !== String(CHAPTER[edition])) {
      problems.push(`line ${row.line}: chapter ${chapter} for the ${edition} edition, not ${CHAPTER[edition]}`);
    }
    const want = stageListings(stage, edition);
    const got = expandRun(listings);
    if (got.join(" ") !== want.join(" ")) {
      problems.push(`line ${row.line}: ${edition} edition lists ${got.join(" ")}, not ${want.join(" ")}`);
    }
  }
  if (seen.join(" ") !== EDITIONS.join(" ")) problems.push(`rows for ${seen.join(", ")}, not ${EDITIONS.join(", ")}`);
  return problems;
}

/**
 * A table with a column per edition (header cells naming exactly one edition
 * each) and a row per stage, the stage found by `stageOf(row)`: the rows or
 * cells that do not name exactly the stage's listings, and the stages missing.
 * `first` reads only a cell's first listing number, for tables of one listing
 * per row (docs/editions.md); otherwise a cell holds all of the stage's.
 */
export function editionTableProblems(
  table: { header: string[]; rows: { cells: string[]; line: number }[] },
  stageOf: (cells: string[]) => string | undefined,
  stages: readonly string[],
  first = false,
): string[] {
  const columns = table.header
    .map((cell) => editionsNamed(cell))
    .map((named) => (named.length === 1 ? named[0] : undefined));
  const problems: string[] = [];
  for (const edition of EDITIONS) {
    if (columns.filter((column) => column === edition).length !== 1) problems.push(`no single ${edition} column`);
  }
  const got = new Map<string, Record<Edition, string[]>>();
  for (const row of table.rows) {
    const stage = stageOf(row.cells);
    if (stage === undefined) continue;
    const listings = got.get(stage) ?? { "2018": [], "2021": [], "2024": [] };
    for (const [k, cell] of row.cells.entries()) {
      const edition = columns[k];
      if (edition === undefined) continue;
      const numbers = first ? [/^\*{0,2}(2[01]-\d{1,2})\b/.exec(cell)?.[1] ?? []].flat() : expandRun(cell);
      listings[edition].push(...numbers);
    }
    got.set(stage, listings);
  }
  for (const stage of stages) {
    const listings = got.get(stage);
    if (listings === undefined) {
      problems.push(`no row for ${stage}`);
      continue;
    }
    for (const edition of EDITIONS) {
      const want = stageListings(stage, edition);
      if (listings[edition].join(" ") !== want.join(" ")) {
        problems.push(`${stage}, ${edition} edition: ${listings[edition].join(" ")}, not ${want.join(" ")}`);
      }
    }
  }
  return problems;
}

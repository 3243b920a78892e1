/**
 * docs/security.md's guard-rails table: every row names at least one test, as `file` › title, and every
 * named test exists in that file (an `it("…")` / `test("…")` title, or a row title of an `it.each` table).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./support/package-stack.js";

const BEGIN = "<!-- guard-rails:begin -->";
const END = "<!-- guard-rails:end -->";

interface Row {
  guardRail: string;
  tests: Array<{ file: string; title: string }>;
}

/** The table's rows; a test reference is "`path` › title", several separated by <br>. */
function guardRails(document: string): Row[] {
  const begin = document.indexOf(BEGIN);
  const end = document.indexOf(END);
  if (begin < 0 || end < begin) return [];
  return document
    .slice(begin + BEGIN.length, end)
    .trim()
    .split("\n")
    .slice(2)
    .map((line) => {
      const [guardRail = "", tests = ""] = line.replace(/^\|/, "").replace(/\|$/, "").split(" | ");
      return {
        guardRail: guardRail.trim(),
        tests: tests
          .split("<br>")
          .map((reference) => /^\s*`([^`]+)` › (.+?)\s*$/.exec(reference))
          .filter((match) => match !== null)
          .map((match) => ({ file: match[1] ?? "", title: match[2] ?? "" })),
      };
    });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether `source` declares a test titled `title`, quoted as the code writes it. */
function declaresTest(source: string, title: string): boolean {
  const quoted = `(?:${['"', "'", "`"].map((quote) => `${quote}${escapeRegExp(title)}${quote}`).join("|")})`;
  const call = new RegExp(`\\b(it|test)(\\.(only|skip|concurrent))?\\(\\s*${quoted}`);
  const tableRow = new RegExp(`^\\s*\\[?\\s*${quoted},?\\s*$|^\\s*\\[\\s*${quoted},`, "m");
  return call.test(source) || (/\b(it|test)\.each\(/.test(source) && tableRow.test(source));
}

const document = readFileSync(join(projectRoot, "docs", "security.md"), "utf8");
const rows = guardRails(document);

describe("docs/security.md guard rails", () => {
  it("lists guard rails", () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  it("names at least one test for every guard rail", () => {
    const untested = rows.filter((row) => row.tests.length === 0).map((row) => row.guardRail);

    expect(untested).toEqual([]);
  });

  it("names only tests that exist, in the files it names", () => {
    const missing = rows.flatMap((row) =>
      row.tests
        .filter(({ file, title }) => {
          const path = join(projectRoot, file);
          return !existsSync(path) || !declaresTest(readFileSync(path, "utf8"), title);
        })
        .map(({ file, title }) => `${row.guardRail}: ${file} › ${title}`),
    );

    expect(missing).toEqual([]);
  });

  it("tells a declared test from a title that is only mentioned", () => {
    const source = 'it("rolls back once", () => {});\nconst note = "changes nothing";\n';

    expect(declaresTest(source, "rolls back once")).toBe(true);
    expect(declaresTest(source, "changes nothing")).toBe(false);
  });
});

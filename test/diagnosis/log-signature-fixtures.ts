/** Reads the log-signature corpus: one real (adapted) excerpt per file, its source and verdict in a header. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Category, Diagnosis } from "../../src/shared/diagnosis/types.js";

export interface LogExcerpt {
  file: string;
  source: string;
  signature: string;
  category: Category;
  exitCode?: number;
  expect: string;
  lines: string[];
}

export const LOG_FIXTURES_DIR = join(import.meta.dirname, "../fixtures/log-signatures");

export function parseExcerpt(file: string, text: string): LogExcerpt {
  const header: Record<string, string> = {};
  const lines: string[] = [];
  for (const line of text.replace(/\n$/, "").split("\n")) {
    const field = /^# ([a-z-]+): (.*)$/.exec(line);
    if (field?.[1] && field[2] !== undefined && lines.length === 0) header[field[1]] = field[2];
    else if (!(line.startsWith("# ") && lines.length === 0)) lines.push(line);
  }
  const excerpt: LogExcerpt = {
    file,
    source: header.source ?? "",
    signature: header.signature ?? "",
    category: (header.category ?? "app-exit") as Category,
    expect: header.expect ?? "",
    lines,
  };
  if (header["exit-code"] !== undefined) excerpt.exitCode = Number(header["exit-code"]);
  return excerpt;
}

export function loadExcerpts(dir = LOG_FIXTURES_DIR): LogExcerpt[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log"))
    .sort()
    .map((f) => parseExcerpt(f, readFileSync(join(dir, f), "utf8")));
}

/** The diagnosis the engine would have made before reading the logs, for an excerpt's category and exit code. */
export function baseDiagnosis(category: Category, exitCode?: number): Diagnosis {
  const diagnosis: Diagnosis = {
    taskArn: "arn:aws:ecs:us-east-1:123456789012:task/prod/0123456789abcdef",
    service: "api",
    category,
    subCause: "application-error",
    severity: "critical",
    title: "Container `web` in service `api` exited with code 1",
    summary: "The essential container exited.",
    culprit: exitCode === undefined ? { name: "web" } : { name: "web", exitCode },
    evidence: ["Exit code of web: 1"],
    remediation: ["Read the container's logs."],
    docs: ["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html"],
    confidence: "certain",
    evidenceSource: "exit-code",
  };
  return diagnosis;
}

/** What the corpus expects when the lines must not change the verdict. */
export const UNCHANGED = "unchanged";

/** Every excerpt: the per-signature files and the variants and negatives of corpus.json. */
export function loadCorpus(dir = LOG_FIXTURES_DIR): Array<Omit<LogExcerpt, "file" | "signature">> {
  const variants = JSON.parse(readFileSync(join(dir, "corpus.json"), "utf8")) as Array<
    Omit<LogExcerpt, "file" | "signature">
  >;
  return [...loadExcerpts(dir), ...variants];
}

export interface SubCauseScore {
  expected: string;
  total: number;
  correct: number;
  accuracy: number;
}

/** Accuracy per expected sub-cause (UNCHANGED: the diagnosis came back as it went in). */
export function scoreCorpus(
  excerpts: ReadonlyArray<Omit<LogExcerpt, "file" | "signature">>,
  refine: (diagnosis: Diagnosis, lines: readonly string[]) => Diagnosis,
): { overall: number; total: number; bySubCause: SubCauseScore[]; misses: string[] } {
  const scores = new Map<string, { total: number; correct: number }>();
  const misses: string[] = [];
  for (const excerpt of excerpts) {
    const before = baseDiagnosis(excerpt.category, excerpt.exitCode);
    const after = refine(before, excerpt.lines);
    const got = after === before ? UNCHANGED : after.subCause;
    const score = scores.get(excerpt.expect) ?? { total: 0, correct: 0 };
    score.total += 1;
    if (got === excerpt.expect) score.correct += 1;
    else misses.push(`${excerpt.source}: expected ${excerpt.expect}, got ${got}`);
    scores.set(excerpt.expect, score);
  }
  const bySubCause = [...scores.entries()]
    .map(([expected, s]) => ({ expected, ...s, accuracy: s.correct / s.total }))
    .sort((a, b) => a.expected.localeCompare(b.expected));
  const correct = bySubCause.reduce((sum, s) => sum + s.correct, 0);
  return { overall: correct / excerpts.length, total: excerpts.length, bySubCause, misses };
}

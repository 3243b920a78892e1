/** Accuracy of the log signatures over the whole corpus, per sub-cause (printed, and held at 100%). */
import { describe, expect, it } from "vitest";
import { refineWithLogs } from "../../src/shared/diagnosis/log-signatures/index.js";
import { loadCorpus, scoreCorpus, UNCHANGED } from "./log-signature-fixtures.js";

const CORPUS = loadCorpus();

describe("log-signature corpus", () => {
  it("cites a source for every excerpt and covers negatives", () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    for (const excerpt of CORPUS) expect(excerpt.source).toMatch(/^(https:\/\/github\.com\/|synthetic: )/);
    expect(CORPUS.filter((e) => e.expect === UNCHANGED).length).toBeGreaterThanOrEqual(3);
  });

  it("names the expected sub-cause for every excerpt", () => {
    const score = scoreCorpus(CORPUS, refineWithLogs);
    console.table(score.bySubCause);
    console.log(`log-signature accuracy: ${(score.overall * 100).toFixed(1)}% of ${score.total}`);

    expect(score.misses).toEqual([]);
    for (const row of score.bySubCause) expect(row.accuracy).toBe(1);
  });
});

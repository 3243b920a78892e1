/**
 * The log-signature numbers of `npm run bench`: accuracy over the log-signature corpus (per sub-cause), and
 * diagnoses per second with log rules on: every stopped-task fixture diagnosed, then refined with a 20-line tail
 * (a corpus excerpt after ordinary lines), the work the alert's prepare step adds.
 */
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { refineWithLogs } from "../../src/shared/diagnosis/log-signatures/index.js";
import type { EcsTask } from "../../src/shared/events/index.js";
import { loadCorpus, scoreCorpus } from "../../test/diagnosis/log-signature-fixtures.js";
import { median } from "./stats.js";

const TAIL_LINES = 20;

function tails(): string[][] {
  const filler = Array.from(
    { length: TAIL_LINES },
    (_, i) => `2026-01-01T00:00:${String(i).padStart(2, "0")}Z INFO GET /orders/${i} 200 12ms`,
  );
  return loadCorpus().map((excerpt) => [...filler, ...excerpt.lines].slice(-TAIL_LINES));
}

const REFINABLE = new Set(["app-exit", "out-of-memory", "container-health-check", "elb-health-check"]);

/** Diagnoses (each refined with a tail) per second over `tasks`, one core, median of 5 rounds of 400 ms. */
function diagnosesPerSecond(tasks: readonly EcsTask[], logTails: readonly string[][]): number {
  const run = (i: number) => {
    const task = tasks[i % tasks.length] as EcsTask;
    refineWithLogs(diagnoseTask(task), logTails[i % logTails.length] ?? []);
  };
  for (let i = 0; i < 2000; i++) run(i); // warm up the JIT
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const until = start + 400_000_000n;
    while (process.hrtime.bigint() < until) {
      for (let i = 0; i < 1000; i++) run(count + i);
      count += 1000;
    }
    rounds.push(count / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return Math.round(median(rounds));
}

export function benchLogSignatures(tasks: readonly EcsTask[]) {
  const score = scoreCorpus(loadCorpus(), refineWithLogs);
  const logTails = tails();
  // The worst case too: only stops whose tail is read (the container ran), every one refined.
  const refinable = tasks.filter((task) => REFINABLE.has(diagnoseTask(task).category));
  return {
    corpus: score.total,
    accuracy: Number((score.overall * 100).toFixed(1)),
    bySubCause: score.bySubCause.map((s) => ({
      subCause: s.expected,
      excerpts: s.total,
      correct: s.correct,
    })),
    misses: score.misses,
    diagnosesPerSecondWithLogRules: diagnosesPerSecond(tasks, logTails),
    refinableFixtures: refinable.length,
    refinableDiagnosesPerSecond: diagnosesPerSecond(refinable, logTails),
  };
}

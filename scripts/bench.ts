/**
 * `npm run bench`: prints the numbers we quote (table, then JSON on the last line).
 *  - diagnoses per second over the fixture corpus (one core, warm);
 *  - log signatures: accuracy over the log-signature corpus, and diagnoses per second with log rules on;
 *  - each function as `osls package` zips it (scripts/bench/bundles.ts): files, JavaScript, duplicate chunks, bytes
 *    loaded at cold start, and import time in a fresh Node process beside a naive handler importing the ECS, SNS
 *    and DynamoDB clients from node_modules;
 *  - where task-state's import time goes (scripts/bench/import-steps.ts): the SDK floor, the parts every stop
 *    needs, every module it imports, the handler;
 *  - a flood of 1,000 stopped tasks of one service against the emulator (FLOOD_EVENTS to change).
 * Method notes live in docs/performance.md.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { diagnoseTask } from "../src/shared/diagnosis/index.js";
import { type EcsTask, parseEcsEvent } from "../src/shared/events/index.js";
import { benchBundles } from "./bench/bundles.js";
import { benchFlood } from "./bench/flood.js";
import { benchImportSteps } from "./bench/import-steps.js";
import { benchLogSignatures } from "./bench/log-signatures.js";
import { reportNegativeCache } from "./bench/negative-cache.js";
import { median } from "./bench/stats.js";

const root = join(import.meta.dirname, "..");
const results: Record<string, unknown> = {};

function corpusTasks(): EcsTask[] {
  const dir = join(root, "test/fixtures/stopped-tasks");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json") && f !== "expected.json")
    .map((f) => parseEcsEvent(JSON.parse(readFileSync(join(dir, f), "utf8"))))
    .flatMap((e) => (e["detail-type"] === "ECS Task State Change" ? [e.detail] : []));
}

function benchDiagnosis(): void {
  const tasks = corpusTasks();
  for (let i = 0; i < 2000; i++) diagnoseTask(tasks[i % tasks.length] as EcsTask); // warm up the JIT
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    let count = 0;
    const start = process.hrtime.bigint();
    const until = start + 400_000_000n;
    while (process.hrtime.bigint() < until) {
      for (const task of tasks) diagnoseTask(task);
      count += tasks.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rounds.push(count / seconds);
  }
  results.diagnosis = { fixtures: tasks.length, diagnosesPerSecond: Math.round(median(rounds)) };
}

benchDiagnosis();
results.logSignatures = benchLogSignatures(corpusTasks());
results.handlers = await benchBundles(root);
results.importSteps = benchImportSteps(root);
try {
  results.flood = await benchFlood(root, Number(process.env.FLOOD_EVENTS ?? 1000));
} catch (error) {
  results.flood = { skipped: `emulator unavailable: ${(error as Error).message.split("\n")[0]}` };
}

const diagnosis = results.diagnosis as { fixtures: number; diagnosesPerSecond: number };
console.log(
  `Diagnosis: ${diagnosis.diagnosesPerSecond.toLocaleString("en")} diagnoses/s over ${diagnosis.fixtures} fixtures (one core, median of 5 rounds)`,
);
const logs = results.logSignatures as ReturnType<typeof benchLogSignatures>;
console.log(
  `Log signatures: ${logs.accuracy}% of ${logs.corpus} excerpts; ${logs.diagnosesPerSecondWithLogRules.toLocaleString("en")} diagnoses/s with log rules on (20-line tails, one core, median of 5 rounds)`,
);
console.log(
  `  only the ${logs.refinableFixtures} stops whose tail is read, every one refined: ${logs.refinableDiagnosesPerSecond.toLocaleString("en")} diagnoses/s`,
);
console.table(logs.bySubCause);
console.log(
  "\nFunctions as packaged (osls package; import time in a fresh Node process, median of 7, beside a naive handler importing the ECS, SNS and DynamoDB clients from node_modules):",
);
console.table(results.handlers);
console.log(
  "\nWhere task-state's import time goes (each step bundled as the stack bundles, median of 9, beside the naive handler):",
);
console.table(results.importSteps);
console.log(
  "\nFlood: stopped tasks of one service through the Lambda code path, emulator DynamoDB/SNS, local Slack:",
);
console.table(results.flood);
results.negativeCache = await reportNegativeCache(root);
console.log(JSON.stringify(results));

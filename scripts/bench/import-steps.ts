/**
 * Where the task-state handler's import time goes, step by step, each step a bundle made as the stack makes it
 * (buildLikeTheStack) and imported in a fresh Node process beside the naive handler, alternated in one run:
 * the SDK floor (a DynamoDB client), then the parts every stop needs (the ECS client, Powertools, the event
 * schemas, the diagnosis rules), then every module the handler imports with nothing built, then the handler
 * itself (its dependencies built at import). Issue 19's 0.35× is read against these rows in docs/performance.md.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { buildLikeTheStack, importMillisOnce, SDK_FLOOR_SOURCE, writeNaiveHandler } from "./bundles.js";
import { median } from "./stats.js";

const IMPORT_RUNS = 9;

export interface ImportStepRow {
  step: string;
  loadedAtColdStartKiB: number;
  importMs: number;
  naiveImportMs: number;
  ratio: number;
}

/** The steps' sources; `src` is the project's src folder. Each adds to the one before. */
function stepSources(src: string): { step: string; source: string }[] {
  const at = (path: string) => JSON.stringify(join(src, path));
  const everyStop = `${SDK_FLOOR_SOURCE}
export { DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { ECSClient } from "@aws-sdk/client-ecs";
export const ecs = new ECSClient({ maxAttempts: 4 });
export { lambdaLog } from ${at("app/logger.ts")};
export { lambdaMetrics } from ${at("app/metrics.ts")};
export { parseEcsEvent } from ${at("shared/events/index.ts")};
export { diagnoseTask } from ${at("shared/diagnosis/index.ts")};`;
  // The handler's own imports (src/handlers/task-state.ts), without calling lambdaFlowDeps().
  const modulesOnly = `${everyStop}
export { lambdaFlowDeps } from ${at("app/events.ts")};
export { eventLogKeys, withLogContext } from ${at("app/logger.ts")};
export { withMetrics } from ${at("app/metrics.ts")};
export { recordDispatch } from ${at("app/metrics-events.ts")};
export { DETAIL_TYPES, dispatchEvent } from ${at("shared/flows/dispatch.ts")};`;
  return [
    { step: "SDK floor: a DynamoDB DocumentClient", source: SDK_FLOOR_SOURCE },
    { step: "+ ECS client, Powertools, event schemas, diagnosis rules", source: everyStop },
    { step: "+ every module task-state imports, nothing built", source: modulesOnly },
    {
      step: "task-state handler (its dependencies built at import)",
      source: `export * from ${at("handlers/task-state.ts")};`,
    },
  ];
}

export function benchImportSteps(root: string): ImportStepRow[] {
  const folder = join(root, ".bench-import-steps");
  const naive = join(folder, "naive-handler.mjs");
  try {
    const steps = stepSources(join(root, "src")).map(({ step, source }, index) => ({
      step,
      ...buildLikeTheStack(join(folder, `step-${index}`), "entry", source),
    }));
    writeNaiveHandler(naive);
    const times = steps.map(() => [] as number[]);
    const naiveTimes: number[] = [];
    for (let run = 0; run < IMPORT_RUNS; run++) {
      naiveTimes.push(importMillisOnce(naive));
      for (const [index, { entry }] of steps.entries()) times[index]?.push(importMillisOnce(entry));
    }
    const naiveMs = median(naiveTimes);
    return steps.map(({ step, coldStartBytes }, index) => {
      const importMs = median(times[index] ?? []);
      return {
        step,
        loadedAtColdStartKiB: Math.round(coldStartBytes / 1024),
        importMs: Number(importMs.toFixed(1)),
        naiveImportMs: Number(naiveMs.toFixed(1)),
        ratio: Number((importMs / naiveMs).toFixed(2)),
      };
    });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * `npm run bench`: prints the numbers we quote (table, then JSON on the last line).
 *  - diagnoses per second over the fixture corpus (one core, warm);
 *  - log signatures: accuracy over the log-signature corpus, and diagnoses per second with log rules on;
 *  - each handler bundled as we deploy it (esbuild, minified ESM): size, and import (cold start) time in a fresh
 *    Node process, beside a naive handler importing the same SDK clients unbundled from node_modules;
 *  - a flood of 1,000 stopped tasks of one service against the emulator (FLOOD_EVENTS to change).
 * Method notes live in docs/performance.md.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { diagnoseTask } from "../src/shared/diagnosis/index.js";
import { type EcsTask, parseEcsEvent } from "../src/shared/events/index.js";
import { benchFlood } from "./bench/flood.js";
import { benchLogSignatures } from "./bench/log-signatures.js";
import { reportMemory } from "./bench/memory.js";
import { reportNegativeCache } from "./bench/negative-cache.js";

const root = join(import.meta.dirname, "..");
const results: Record<string, unknown> = {};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

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

const HANDLERS = readdirSync(join(root, "src/handlers"))
  .filter((f) => f.endsWith(".ts"))
  .map((f) => f.replace(/\.ts$/, ""));

function importMillis(file: string, runs = 7): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const t=performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now()-t);`,
      ],
      { env: { ...process.env, AWS_REGION: "us-east-1" }, encoding: "utf8" },
    );
    samples.push(Number(out.trim().split("\n").pop()));
  }
  return median(samples);
}

async function benchHandlers(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "ecs-sentinel-bench-"));
  const rows: Record<string, unknown>[] = [];
  for (const name of HANDLERS) {
    const outdir = join(out, name);
    const built = await build({
      metafile: true,
      entryPoints: [join(root, "src/handlers", `${name}.ts`)],
      outdir,
      outExtension: { ".js": ".mjs" },
      splitting: true,
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      target: "node22",
      mainFields: ["module", "main"],
      banner: {
        js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
      logLevel: "error",
    });
    const outfile = join(outdir, `${name}.mjs`);
    const outputs = built.metafile.outputs;
    const packagedBytes = Object.values(outputs).reduce((sum, output) => sum + output.bytes, 0);
    // What a cold start loads: the handler and the chunks it imports statically (not the lazy ones).
    const entryKey = Object.keys(outputs).find((key) => key.endsWith(`${name}.mjs`)) ?? "";
    const loaded = new Set<string>();
    const visit = (key: string) => {
      if (loaded.has(key) || !outputs[key]) return;
      loaded.add(key);
      for (const imported of outputs[key].imports)
        if (imported.kind === "import-statement") visit(imported.path);
    };
    visit(entryKey);
    const coldStartBytes = [...loaded].reduce((sum, key) => sum + (outputs[key]?.bytes ?? 0), 0);
    // The naive twin: the same SDK clients and logger, imported unbundled from node_modules.
    const sdkImports = [
      ...new Set(
        Object.keys(built.metafile.inputs).flatMap((input) => {
          const m = /node_modules\/(@aws-sdk\/(?:client|lib)-[a-z-]+)\//.exec(input);
          return m?.[1] ? [m[1]] : [];
        }),
      ),
    ];
    const naive = join(root, `.bench-naive-${name}.mjs`);
    writeFileSync(
      naive,
      [...sdkImports, "@aws-lambda-powertools/logger", "zod/mini"]
        .map((m) => `import ${JSON.stringify(m)};`)
        .join("\n"),
    );
    const bundledMs = importMillis(outfile);
    const naiveMs = importMillis(naive);
    execFileSync("rm", ["-f", naive]);
    rows.push({
      handler: name,
      loadedAtColdStartKiB: Math.round(coldStartBytes / 1024),
      packagedKiB: Math.round(packagedBytes / 1024),
      importMs: Number(bundledMs.toFixed(1)),
      naiveImportMs: Number(naiveMs.toFixed(1)),
      ratio: Number((bundledMs / naiveMs).toFixed(2)),
    });
  }
  results.handlers = rows;
}

benchDiagnosis();
results.logSignatures = benchLogSignatures(corpusTasks());
await benchHandlers();
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
console.log("\nHandlers (bundled as deployed, import time in a fresh Node process, median of 7):");
console.table(results.handlers);
console.log(
  "\nFlood: stopped tasks of one service through the Lambda code path, emulator DynamoDB/SNS, local Slack:",
);
console.table(results.flood);
results.negativeCache = await reportNegativeCache(root);
results.memory = await reportMemory(root);
console.log(JSON.stringify(results));

/**
 * The bundle numbers of `npm run bench`, measured on the functions as they are deployed: `osls package` (offline,
 * with the parameters that create every function, slackActions included), each function's zip read and unpacked
 * with node's zlib. Per function: files, bytes of JavaScript, duplicate chunks (identical content twice, or chunks
 * its handler cannot load: both must be 0), bytes a cold start loads (the handler and its static imports,
 * transitively), and the handler's import time in a fresh Node process beside a naive handler that imports only
 * `@aws-sdk/client-ecs`, `-sns` and `-dynamodb` from node_modules (issue 19's yardstick), alternated in one run.
 */
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describeFunctionZip } from "../../infra/lean-function-zips.cjs";
import { DOCUMENTED_PARAMS } from "../../test/stack/support/documented-stack.js";
import { removeUnpacked, resolveHandler, unpack } from "../../test/stack/support/lambda-container.js";
import { packageStack } from "../../test/stack/support/package-stack.js";

export const NAIVE_IMPORTS = ["@aws-sdk/client-ecs", "@aws-sdk/client-sns", "@aws-sdk/client-dynamodb"];
const IMPORT_RUNS = 7;

export interface FunctionBundleRow {
  function: string;
  files: number;
  javascriptKiB: number;
  duplicateChunks: number;
  loadedAtColdStartKiB: number;
  importMs: number;
  naiveImportMs: number;
  ratio: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Milliseconds to import `file` in a fresh Node process (the module's own clock: no process start-up). */
function importMillisOnce(file: string): number {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const t=performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now()-t);`,
    ],
    {
      env: { ...process.env, AWS_REGION: "us-east-1", POWERTOOLS_LOG_LEVEL: "SILENT" },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  return Number(out.trim().split("\n").pop());
}

/** Median import times of `file` and `naive`, alternated so that both see the same machine load. */
function importSideBySide(file: string, naive: string): { importMs: number; naiveMs: number } {
  const own: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    own.push(importMillisOnce(file));
    theirs.push(importMillisOnce(naive));
  }
  return { importMs: median(own), naiveMs: median(theirs) };
}

const kib = (bytes: number) => Math.round(bytes / 1024);
const logicalId = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

/** Packages the stack once and measures every function's zip; `root` is the project. */
export async function benchBundles(root: string): Promise<FunctionBundleRow[]> {
  const packaged = await packageStack("bench", DOCUMENTED_PARAMS);
  // In the project, so that node_modules resolves; removed afterwards.
  const naive = join(root, ".bench-naive-handler.mjs");
  writeFileSync(naive, NAIVE_IMPORTS.map((name) => `import ${JSON.stringify(name)};`).join("\n"));
  const rows: FunctionBundleRow[] = [];
  try {
    for (const [name, zip] of Object.entries(packaged.artifacts).sort(([a], [b]) => a.localeCompare(b))) {
      const handler = String(packaged.template.Resources[logicalId(name)]?.Properties.Handler ?? "");
      const report = describeFunctionZip(zip, handler);
      const folder = unpack(zip);
      try {
        const { importMs, naiveMs } = importSideBySide(resolveHandler(folder, handler).file, naive);
        rows.push({
          function: name,
          files: report.files,
          javascriptKiB: kib(report.javascriptBytes),
          duplicateChunks:
            report.unreachable.length + report.duplicates.reduce((sum, group) => sum + group.length - 1, 0),
          loadedAtColdStartKiB: kib(report.coldStartBytes),
          importMs: Number(importMs.toFixed(1)),
          naiveImportMs: Number(naiveMs.toFixed(1)),
          ratio: Number((importMs / naiveMs).toFixed(2)),
        });
      } finally {
        removeUnpacked(folder);
      }
    }
  } finally {
    rmSync(naive, { force: true });
  }
  return rows;
}

/**
 * The bundle numbers of `npm run bench`, measured on the functions as they are deployed: `osls package` (offline,
 * with the parameters that create every function, slackActions included), each function's zip read and unpacked
 * with node's zlib. Per function: files, bytes of JavaScript, duplicate chunks (identical content twice, or chunks
 * its handler cannot load: both must be 0), bytes a cold start loads (the handler and its static imports,
 * transitively), and the handler's import time in a fresh Node process beside a naive handler that imports only
 * `@aws-sdk/client-ecs`, `-sns` and `-dynamodb` from node_modules (issue 19's yardstick), alternated in one run.
 * Beside them, the floor: a bundle built with the stack's esbuild options that only makes a DynamoDB client (what
 * any handler that writes the state table must load and build before its first write), so the part of an import
 * that is the SDK's and the part that is ours can be told apart.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { describeFunctionZip, moduleImports, reachableModules } from "../../infra/lean-function-zips.cjs";
import { DOCUMENTED_PARAMS } from "../../test/stack/support/documented-stack.js";
import { removeUnpacked, resolveHandler, unpack } from "../../test/stack/support/lambda-container.js";
import { packageStack } from "../../test/stack/support/package-stack.js";
import { STACK_ESBUILD_OPTIONS } from "./stack-esbuild.js";
import { median } from "./stats.js";

export const NAIVE_IMPORTS = ["@aws-sdk/client-ecs", "@aws-sdk/client-sns", "@aws-sdk/client-dynamodb"];

/** Issue 19's yardstick at `path`: a module importing only NAIVE_IMPORTS (inside the project, so they resolve). */
export function writeNaiveHandler(path: string): void {
  writeFileSync(path, NAIVE_IMPORTS.map((name) => `import ${JSON.stringify(name)};`).join("\n"));
}
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
  /** The DynamoDB-client-only bundle's import time in the same run, and its ratio to the naive handler. */
  sdkFloorMs: number;
  floorRatio: number;
  /** What the floor loads at cold start (its entry and static imports; split into chunks as the stack is). */
  sdkFloorKiB: number;
}

/** What every handler that writes the state table loads and builds: the DynamoDB client, nothing of ours. */
export const SDK_FLOOR_SOURCE = `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 4 }));
export { UpdateCommand };`;

/**
 * `source` (a module's text) bundled into `outdir` as `<name>.mjs` with the stack's esbuild options and, as
 * serverless.yml has it, split into chunks: what it only `import()`s (the SDK's credential providers other than the
 * environment's, for one) stays out of its cold start. Returns the entry file and the bytes it loads at cold start
 * (it and its static imports, transitively), read as the functions' are (describeFunctionZip).
 */
export function buildLikeTheStack(
  outdir: string,
  name: string,
  source: string,
): { entry: string; coldStartBytes: number } {
  mkdirSync(outdir, { recursive: true });
  const sourceFile = join(outdir, `${name}-source.ts`);
  writeFileSync(sourceFile, source);
  buildSync({
    ...STACK_ESBUILD_OPTIONS,
    entryPoints: { [name]: sourceFile },
    outdir,
    outExtension: { ".js": ".mjs" },
    splitting: true,
    logLevel: "error",
  });
  const coldStart = reachableModules(
    `${name}.mjs`,
    (file) => moduleImports(readFileSync(join(outdir, file), "utf8")),
    (file) => existsSync(join(outdir, file)),
    { staticOnly: true },
  );
  const coldStartBytes = [...coldStart].reduce((sum, file) => sum + statSync(join(outdir, file)).size, 0);
  return { entry: join(outdir, `${name}.mjs`), coldStartBytes };
}

/** Milliseconds to import `file` in a fresh Node process (the module's own clock: no process start-up). */
export function importMillisOnce(file: string): number {
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

/** Median import times of `file`, `naive` and `floor`, alternated so that all see the same machine load. */
function importSideBySide(
  file: string,
  naive: string,
  floor: string,
): { importMs: number; naiveMs: number; floorMs: number } {
  const own: number[] = [];
  const theirs: number[] = [];
  const sdk: number[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    own.push(importMillisOnce(file));
    theirs.push(importMillisOnce(naive));
    sdk.push(importMillisOnce(floor));
  }
  return { importMs: median(own), naiveMs: median(theirs), floorMs: median(sdk) };
}

const kib = (bytes: number) => Math.round(bytes / 1024);
const logicalId = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;

/** Packages the stack once and measures every function's zip; `root` is the project. */
export async function benchBundles(root: string): Promise<FunctionBundleRow[]> {
  const packaged = await packageStack("bench", DOCUMENTED_PARAMS);
  // In the project, so that node_modules resolves; removed afterwards.
  const naive = join(root, ".bench-naive-handler.mjs");
  writeNaiveHandler(naive);
  // Also in the project, so that the floor's source resolves the SDK from node_modules.
  const floorFolder = join(root, ".bench-sdk-floor");
  const floor = buildLikeTheStack(floorFolder, "sdk-floor", SDK_FLOOR_SOURCE);
  const rows: FunctionBundleRow[] = [];
  try {
    for (const [name, zip] of Object.entries(packaged.artifacts).sort(([a], [b]) => a.localeCompare(b))) {
      const handler = String(packaged.template.Resources[logicalId(name)]?.Properties.Handler ?? "");
      const report = describeFunctionZip(zip, handler);
      const folder = unpack(zip);
      try {
        const { importMs, naiveMs, floorMs } = importSideBySide(
          resolveHandler(folder, handler).file,
          naive,
          floor.entry,
        );
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
          sdkFloorMs: Number(floorMs.toFixed(1)),
          floorRatio: Number((floorMs / naiveMs).toFixed(2)),
          sdkFloorKiB: kib(floor.coldStartBytes),
        });
      } finally {
        removeUnpacked(folder);
      }
    }
  } finally {
    rmSync(naive, { force: true });
    rmSync(floorFolder, { recursive: true, force: true });
  }
  return rows;
}

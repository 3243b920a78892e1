/**
 * The run-job and watchdog handler modules as `serverless invoke local` loads them: bundled by esbuild the way
 * serverless.yml bundles them (ESM, `.js` in a "type": "module" folder, the jobs file embedded with `define`),
 * then loaded with require() — which Node refuses for a module graph with top-level await. And the lazy,
 * memoised initialisation that replaces it: once per container, loud on every invocation while it fails.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Context } from "aws-lambda";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { type LambdaJobsDeps, memoisedJobsDeps } from "../../src/app/jobs-lambda.js";

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "lambda-init-"));
const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

const VALID_JOBS = {
  fileName: "jobs.yml",
  document: {
    jobs: [{ name: "nightly", schedule: "rate(1 day)", cluster: "prod", taskDefinition: "app" }],
  },
};
const BROKEN_JOBS = {
  fileName: "jobs.yml",
  document: { jobs: [{ name: "no-task", schedule: "rate(1 hour)", cluster: "prod" }] },
};

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Bundles one handler as serverless-esbuild does for invoke local; returns the bundle's path. */
async function bundleHandler(handler: string, embedded: unknown, folder: string): Promise<string> {
  const outdir = join(scratch, folder);
  await build({
    entryPoints: [join(projectRoot, "src/handlers", `${handler}.ts`)],
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    splitting: true,
    outExtension: { ".js": ".js" },
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    define: { ECS_SENTINEL_JOBS_FILE: JSON.stringify(embedded) },
    logLevel: "silent",
  });
  writeFileSync(join(outdir, "package.json"), '{"type": "module"}');
  return join(outdir, `${handler}.js`);
}

/** Loads a bundle with require() in a fresh Node, calls its handler once, and prints what happened. */
function requireAndInvoke(bundle: string, event: unknown): { loaded: string; outcome: string } {
  const script = `
    const { handler } = require(${JSON.stringify(bundle)});
    process.stdout.write("LOADED " + typeof handler + "\\n");
    handler(${JSON.stringify(event)}, { getRemainingTimeInMillis: () => 10000 }).then(
      (result) => process.stdout.write("OUTCOME " + JSON.stringify(result) + "\\n"),
      (error) => process.stdout.write("OUTCOME " + JSON.stringify({ error: error.name, message: error.message }) + "\\n"),
    );`;
  const output = execFileSync(process.execPath, ["-e", script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "offline",
      AWS_SECRET_ACCESS_KEY: "offline",
      // Unreachable on purpose: nothing here may call AWS.
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      POWERTOOLS_LOG_LEVEL: "SILENT",
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return {
    loaded: /^LOADED (.*)$/m.exec(output)?.[1] ?? output,
    outcome: /^OUTCOME (.*)$/m.exec(output)?.[1] ?? output,
  };
}

describe("the job handler modules under serverless invoke local (loaded with require())", () => {
  it("loads the run-job handler with require() and runs an invocation with the embedded jobs file", async () => {
    const bundle = await bundleHandler("run-job", VALID_JOBS, "run-job-valid");

    const { loaded, outcome } = requireAndInvoke(bundle, { job: "not-a-job" });

    expect(loaded).toBe("function");
    expect(JSON.parse(outcome)).toEqual({
      status: "dropped",
      reason: 'unknown job "not-a-job" (jobs in the deployed jobs file: nightly)',
    });
  }, 60_000);

  it("loads the watchdog handler with require()", async () => {
    const bundle = await bundleHandler("watchdog", VALID_JOBS, "watchdog-valid");

    const { loaded } = requireAndInvoke(bundle, {});

    expect(loaded).toBe("function");
  }, 60_000);

  it("fails the first invocation loudly, naming the job and field, when the embedded jobs file is invalid", async () => {
    const bundle = await bundleHandler("run-job", BROKEN_JOBS, "run-job-broken");

    const { outcome } = requireAndInvoke(bundle, { job: "no-task" });

    expect(JSON.parse(outcome)).toEqual({
      error: "JobsFileError",
      message: expect.stringContaining('job "no-task": taskDefinition: is required'),
    });
  }, 60_000);
});

describe("memoisedJobsDeps", () => {
  const fakeDeps = { jobs: [] } as unknown as LambdaJobsDeps;

  it("initialises once, when the module loads, and serves every invocation from that", async () => {
    let inits = 0;
    const deps = memoisedJobsDeps(async () => {
      inits += 1;
      return () => fakeDeps;
    });

    expect(inits).toBe(1);
    const first = await deps(context);
    const second = await deps(context);

    expect(inits).toBe(1);
    expect(first).toBe(fakeDeps);
    expect(second).toBe(fakeDeps);
  });

  it("rejects the invocation with the initialisation's error and initialises again on the next one", async () => {
    const failure = new Error("jobs file is invalid");
    const results = [Promise.reject(failure), Promise.resolve(() => fakeDeps)];
    let inits = 0;
    const deps = memoisedJobsDeps(() => {
      inits += 1;
      return results.shift() as Promise<(context: Context) => LambdaJobsDeps>;
    });

    await expect(deps(context)).rejects.toBe(failure);
    const recovered = await deps(context);

    expect(inits).toBe(2);
    expect(recovered).toBe(fakeDeps);
  });
});

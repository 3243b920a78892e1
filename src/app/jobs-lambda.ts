/**
 * The jobs side of the run-job and watchdog Lambdas: the jobs file they run and their dependencies. Kept apart
 * from jobs.ts so that the task-state bundle, which only closes runs, carries no YAML parser.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Context } from "aws-lambda";
import { JobsFileError, parseJobsDocument } from "../shared/jobs/jobs-document.js";
import type { JobsFile } from "../shared/jobs/types.js";
import { type Config, loadConfig } from "./config.js";
import { jobsFlowDeps } from "./jobs.js";
import { lambdaLog } from "./logger.js";
import { lambdaRuntime } from "./runtime.js";

/**
 * The jobs file embedded in the Lambda bundles by esbuild's `define` (serverless.yml, from
 * infra/schedules.cjs): the very file the schedules were made from. Null when the stack has no jobs file;
 * undeclared in code that is not bundled that way (tests, the CLI).
 */
declare const ECS_SENTINEL_JOBS_FILE: { fileName: string; document: unknown } | null | undefined;
/** `true` beside ECS_SENTINEL_JOBS_FILE in the stack's bundles: a literal esbuild folds, unlike the file. */
declare const ECS_SENTINEL_JOBS_EMBEDDED: true | undefined;

const NO_JOBS: JobsFile = { fileName: "(no jobs file)", jobs: [] };

const embeddedJobsFile = (embedded: { fileName: string; document: unknown } | null | undefined): JobsFile =>
  embedded ? parseJobsDocument(embedded.document, embedded.fileName) : NO_JOBS;

/**
 * The jobs the Lambdas run: the embedded file, else the one JOBS_FILE names, else none. An invalid file
 * throws JobsFileError listing every problem, so a Lambda fails at cold start instead of at each run.
 */
export async function deployedJobsFile(
  config: Pick<Config, "jobsFile">,
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): Promise<JobsFile> {
  // Folded away in the stack's bundles (ECS_SENTINEL_JOBS_EMBEDDED is defined): with it the YAML parser's import.
  if (typeof ECS_SENTINEL_JOBS_EMBEDDED === "undefined") {
    const embedded = typeof ECS_SENTINEL_JOBS_FILE === "undefined" ? undefined : ECS_SENTINEL_JOBS_FILE;
    if (embedded === undefined && config.jobsFile) {
      // Only outside a bundle (tests, local runs): the YAML parser is loaded just for this.
      const { parseJobsFile } = await import("../shared/jobs/jobs-file.js");
      return parseJobsFile(read(config.jobsFile), basename(config.jobsFile));
    }
    return embeddedJobsFile(embedded);
  }
  return embeddedJobsFile(ECS_SENTINEL_JOBS_FILE);
}

/** The dependencies of one invocation of the run-job or watchdog Lambda. */
export type LambdaJobsDeps = ReturnType<typeof jobsFlowDeps>;

/**
 * For the run-job and watchdog handlers: configuration, jobs file and adapters, built once per container (an
 * invalid jobs file or variable fails loudly, naming every problem); the returned function binds the invocation.
 */
export async function lambdaJobsDeps(
  config: Config = loadConfig(),
): Promise<(context: Context) => LambdaJobsDeps> {
  const runtime = lambdaRuntime();
  let jobsFile: JobsFile;
  try {
    jobsFile = await deployedJobsFile(config);
  } catch (error) {
    if (error instanceof JobsFileError)
      lambdaLog.error("the jobs file is invalid", { problems: error.problems });
    throw error;
  }
  lambdaLog.info("jobs file loaded", { file: jobsFile.fileName, jobs: jobsFile.jobs.length });
  const deps = jobsFlowDeps(config, runtime.options, jobsFile);
  return (context) => {
    runtime.bind(context);
    return deps;
  };
}

/**
 * The handlers' initialisation without a top-level await: `serverless invoke local` loads a handler module
 * with require(), which Node refuses for a module graph with top-level await (ERR_REQUIRE_ASYNC_MODULE).
 * Initialisation starts when the module loads (Lambda's init phase) and is awaited by every invocation; a
 * failure (an invalid jobs file, a bad variable) rejects the first invocation and is retried by the next one,
 * which fails the same way while the cause remains: loud on every invocation, never silently without jobs.
 */
export function memoisedJobsDeps(
  init: () => Promise<(context: Context) => LambdaJobsDeps> = () => lambdaJobsDeps(),
): (context: Context) => Promise<LambdaJobsDeps> {
  let ready: Promise<(context: Context) => LambdaJobsDeps> | undefined;
  const start = () => {
    const attempt = init();
    ready = attempt;
    attempt.catch(() => {
      // Rejected: the next invocation initialises again. The rejection itself reaches the invocation.
      if (ready === attempt) ready = undefined;
    });
    return attempt;
  };
  start();
  return async (context) => (await (ready ?? start()))(context);
}

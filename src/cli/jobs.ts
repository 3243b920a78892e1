/** `ecs-sentinel jobs list | validate | run`: the jobs file at a terminal, through the Lambdas' own code. */
import { basename } from "node:path";
import { setTimeout as sleepFor } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { ecsClient } from "../app/aws.js";
import { loadConfig } from "../app/config.js";
import { jobsFlowDeps } from "../app/jobs.js";
import { buildDescribeTask } from "../shared/enrich/describe-task.js";
import { parseTask } from "../shared/events/parse.js";
import { type JobsFlowDeps, type RunJobFlowResult, startJob } from "../shared/flows/job-run.js";
import { completeRun } from "../shared/jobs/completion.js";
import { formatDuration } from "../shared/jobs/duration.js";
import { JobsFileError, parseJobsFile } from "../shared/jobs/jobs-file.js";
import type { JobRun } from "../shared/jobs/run-record.js";
import { nextRuns } from "../shared/jobs/schedule.js";
import type { JobSpec, JobsFile } from "../shared/jobs/types.js";
import { stderrLog } from "../shared/log.js";
import { type CliIo, UsageError } from "./io.js";
import { runJobsHistory } from "./jobs-history.js";
import { validateJobsCommand } from "./jobs-validate.js";
import { essentialExitCode, type WaitPorts, waitForTask } from "./jobs-wait.js";
import { didYouMean } from "./suggest.js";

export const JOBS_HELP = `Usage: ecs-sentinel jobs list [--file FILE] [--json] [--count N]
       ecs-sentinel jobs validate [--file FILE] [--strict]
       ecs-sentinel jobs run NAME [--wait] [--force] [--file FILE]
       ecs-sentinel jobs history NAME [--limit N] [--json]

Scheduled one-off ECS tasks, declared in a jobs file (see examples/jobs.yml). The deployed stack turns every
job into an EventBridge Scheduler schedule; these commands read the same file with the same code.

Commands:
  list       each job, its schedule and time zone, and its next run times in that zone
  validate   check the file: every error and warning is printed, one per line, naming the job and the
             field (unknown fields name the nearest known one); warnings: a local time inside a
             daylight-saving change of the job's time zone in the next 12 months, an at() in the past
  run NAME   start the job now, exactly as its schedule would (overlap policy, capacity retries and
             fallback, run record, notifications); DRY_RUN=true only shows what would run
  history NAME past runs of the job from the state table, newest first: start, end, exit code,
             duration, result, task id, trigger ("jobs history --help" for its options)

Options:
  --file FILE  the jobs file (default: $JOBS_FILE, else ./jobs.yml)
  --json       list: JSON Lines, one object per job, with nextRuns [{at, local}]
  --count N    list: how many next run times per job (default 3)
  --wait       run: follow the task until it stops, printing its status changes, and exit with the
               essential container's exit code; Ctrl-C stops waiting, not the task
  --force      run: run a job that is disabled (enabled: false)
  --strict     validate: warnings fail the check too (exit 1)
  -h, --help   show this help

Exit status: list/validate 0 valid (validate: warnings allowed), 2 invalid file or wrong usage;
validate --strict 1 when there are warnings. run: 0 started (with --wait: the
essential container's exit code), 1 not started (skipped, failed to start) or an AWS call failed,
130 interrupted while waiting. Rate schedules are counted from now: only AWS knows their phase.
Environment for run: AWS_REGION, AWS_ENDPOINT_URL, STATE_TABLE, SLACK_WEBHOOK_URL, NOTIFY_TOPIC_ARN, DRY_RUN.`;

/** What `jobs run` needs from the outside world; tests pass fakes, the command builds the real ones. */
export interface JobsCliDeps {
  now(): Date;
  /** The job use case dependencies (ECS, run store, notifier) for the file's jobs. */
  flow(file: JobsFile): JobsFlowDeps;
  wait: Omit<WaitPorts, "print">;
  /** Calls `onInterrupt` on Ctrl-C until the returned function is called. */
  onInterrupt(onInterrupt: () => void): () => void;
}

/** DescribeTasks for the wait loop, parsed like an event's task. */
export function describeTaskWith(ecs: ECSClient): WaitPorts["describeTask"] {
  return async (cluster, taskArn) => {
    const { task } = await buildDescribeTask(ecs)(cluster, taskArn);
    return task ? parseTask(task) : undefined;
  };
}

function defaultDeps(io: CliIo): JobsCliDeps {
  return {
    now: () => new Date(),
    flow: (file) => {
      const config = loadConfig(io.env);
      return jobsFlowDeps(config, { log: stderrLog(false), deadline: () => 120_000 }, file);
    },
    wait: {
      describeTask: (cluster, taskArn) => describeTaskWith(ecsClient())(cluster, taskArn),
      sleep: (ms, signal) => sleepFor(ms, undefined, { signal }).catch(() => undefined),
    },
    onInterrupt(onInterrupt) {
      process.once("SIGINT", onInterrupt);
      return () => process.off("SIGINT", onInterrupt);
    },
  };
}

async function loadJobs(path: string, io: CliIo): Promise<JobsFile> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new JobsFileError([`${path}: cannot read the jobs file${code ? ` (${code})` : ""}`]);
  }
  return parseJobsFile(text, basename(path));
}

function printProblems(error: JobsFileError, io: CliIo): number {
  for (const problem of error.problems) io.stderr.write(`${problem}\n`);
  io.stderr.write(`${error.problems.length} problem(s) found.\n`);
  return 2;
}

function listJson(job: JobSpec, count: number, now: Date): string {
  return JSON.stringify({
    name: job.name,
    ...(job.description ? { description: job.description } : {}),
    schedule: job.schedule.expression,
    timezone: job.timezone,
    enabled: job.enabled,
    cluster: job.cluster,
    taskDefinition: job.taskDefinition,
    overlap: job.overlap,
    ...(job.maxRuntimeSeconds !== undefined ? { maxRuntimeSeconds: job.maxRuntimeSeconds } : {}),
    notify: job.notify,
    nextRuns: nextRuns(job, count, now).map((run) => ({ at: run.at.toISOString(), local: run.local })),
  });
}

function listText(job: JobSpec, count: number, now: Date): string {
  const runs = nextRuns(job, count, now);
  const next = !job.enabled
    ? "disabled"
    : runs.length > 0
      ? runs.map((run) => run.local).join(", ")
      : "none (at() is past)";
  const limit = job.maxRuntimeSeconds !== undefined ? `, max ${formatDuration(job.maxRuntimeSeconds)}` : "";
  return [
    `${job.name}  ${job.schedule.expression}  ${job.timezone}`,
    `  ${job.taskDefinition} in ${job.cluster}; overlap ${job.overlap}${limit}; notify on ${job.notify.on}`,
    ...(job.description ? [`  ${job.description}`] : []),
    `  next: ${next}`,
  ].join("\n");
}

function runSummary(result: RunJobFlowResult): { line: string; started?: JobRun } {
  if (result.status === "dropped") return { line: result.reason };
  if (result.status === "dry-run")
    return { line: `${result.job}: ${result.plan.action}: ${result.plan.reason}` };
  const { run, action, stoppedTasks } = result.result;
  if (action === "skip") return { line: `${run.job}: skipped: ${run.reason}` };
  if (action === "failed-to-start") return { line: `${run.job}: could not start: ${run.reason}` };
  const replaced = stoppedTasks.length > 0 ? `; stopped ${stoppedTasks.length} earlier task(s)` : "";
  return {
    line: `${run.job}: started ${run.taskArn} (${run.capacity ?? "default capacity"}, run ${run.runId}, ${run.attempts} attempt(s)${replaced})`,
    started: run,
  };
}

async function followRun(run: JobRun, io: CliIo, deps: JobsCliDeps): Promise<number> {
  const taskArn = run.taskArn ?? "";
  const controller = new AbortController();
  const release = deps.onInterrupt(() => controller.abort());
  try {
    io.stdout.write(`waiting for ${taskArn} to stop (Ctrl-C stops waiting, not the task)\n`);
    const outcome = await waitForTask(
      run.cluster,
      taskArn,
      { ...deps.wait, print: (line) => io.stdout.write(`${line}\n`) },
      controller.signal,
    );
    if (outcome.status === "interrupted") {
      io.stderr.write(
        `stopped waiting; the task keeps running. Stop it with: aws ecs stop-task --cluster ${run.cluster} --task ${taskArn}\n`,
      );
      return 130;
    }
    if (outcome.status === "gone") {
      io.stderr.write(`ECS no longer describes ${taskArn}; its outcome is unknown\n`);
      return 1;
    }
    const completion = completeRun({ run, task: outcome.task });
    const took =
      completion.durationSeconds !== undefined ? ` in ${formatDuration(completion.durationSeconds)}` : "";
    io.stdout.write(`${run.job}: ${completion.outcome}${took}: ${completion.run.reason}\n`);
    const exit = essentialExitCode(outcome.task, run.essentialContainers);
    if (exit.container) io.stdout.write(`exit code ${exit.code} (container ${exit.container})\n`);
    return exit.code;
  } finally {
    release();
  }
}

async function runCommand(
  name: string,
  file: JobsFile,
  options: { wait: boolean; force: boolean },
  io: CliIo,
  deps: JobsCliDeps,
): Promise<number> {
  const job = file.jobs.find((candidate) => candidate.name === name);
  if (!job) {
    const known = file.jobs.map((candidate) => candidate.name).join(", ") || "none";
    throw new UsageError(`no job "${name}" in ${file.fileName} (jobs: ${known})`);
  }
  if (!job.enabled && !options.force) {
    throw new UsageError(`job "${name}" is disabled (enabled: false); add --force to run it anyway`);
  }
  const result = await startJob(job, deps.flow(file), { force: options.force });
  const { line, started } = runSummary(result);
  io.stdout.write(`${line}\n`);
  if (result.status === "done" && result.notifyError)
    io.stderr.write(`notification failed: ${result.notifyError}\n`);
  if (result.status === "dry-run") return 0;
  if (!started) return 1;
  return options.wait ? followRun(started, io, deps) : 0;
}

const JOBS_COMMANDS = ["list", "validate", "run"];

export async function runJobs(
  argv: string[],
  io: CliIo,
  deps: JobsCliDeps = defaultDeps(io),
): Promise<number> {
  if (argv[0] === "history") return runJobsHistory(argv.slice(1), io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      json: { type: "boolean", default: false },
      count: { type: "string" },
      wait: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      strict: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === "help") {
    io.stdout.write(`${JOBS_HELP}\n`);
    return 0;
  }
  if (!command) throw new UsageError("give a command: list, validate, run NAME or history NAME");
  // Checked before the file is read: a mistyped command is a usage error, never a missing-file error.
  if (!JOBS_COMMANDS.includes(command)) {
    throw new UsageError(
      `unknown jobs command "${command}".${didYouMean(command, [...JOBS_COMMANDS, "history"])} Use list, validate, run or history`,
    );
  }
  const path = values.file ?? io.env.JOBS_FILE ?? "jobs.yml";
  const onlyFor = (flag: string, allowed: string) => {
    if (command !== allowed) throw new UsageError(`${flag} is an option of "jobs ${allowed}"`);
  };
  if (values.json || values.count !== undefined) onlyFor(values.json ? "--json" : "--count", "list");
  if (values.wait || values.force) onlyFor(values.wait ? "--wait" : "--force", "run");
  if (values.strict) onlyFor("--strict", "validate");
  if (command === "validate") {
    if (rest.length > 0) throw new UsageError("validate takes no arguments");
    return validateJobsCommand(path, { strict: values.strict, now: deps.now() }, io);
  }

  let file: JobsFile;
  try {
    file = await loadJobs(path, io);
  } catch (error) {
    if (error instanceof JobsFileError) return printProblems(error, io);
    throw error;
  }

  switch (command) {
    case "list": {
      if (rest.length > 0) throw new UsageError("list takes no arguments");
      const count = values.count === undefined ? 3 : Number(values.count);
      if (!Number.isInteger(count) || count < 1 || count > 100)
        throw new UsageError("--count must be 1 to 100");
      const now = deps.now();
      const lines = file.jobs.map((job) =>
        values.json ? listJson(job, count, now) : listText(job, count, now),
      );
      io.stdout.write(lines.length > 0 ? `${lines.join(values.json ? "\n" : "\n\n")}\n` : "");
      if (!values.json && lines.length === 0) io.stdout.write(`${path}: no jobs\n`);
      return 0;
    }
    case "run": {
      const [name, ...extra] = rest;
      if (!name || extra.length > 0) throw new UsageError("run takes exactly one job name");
      return runCommand(name, file, { wait: values.wait, force: values.force }, io, deps);
    }
    default:
      throw new UsageError(`unknown jobs command "${command}": use list, validate, run or history`);
  }
}

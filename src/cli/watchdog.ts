/**
 * `ecs-sentinel watchdog --once [--dry-run] [--file FILE]`: one sweep of the watchdog Lambda, with its code
 * (handleWatchdog over jobsFlowDeps), against the configured AWS endpoints: overdue runs stopped, missed runs
 * alarmed, pending flood digests sent; then what it did, per item. With --dry-run: DRY_RUN's stop-less ECS
 * port, a run store that remembers nothing new, messages printed instead of sent, no digest sweep.
 */
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../app/config.js";
import { jobsFlowDeps } from "../app/jobs.js";
import { handleWatchdog, type WatchdogFlowDeps } from "../shared/flows/job-watchdog.js";
import { JobsFileError, parseJobsFile } from "../shared/jobs/jobs-file.js";
import type { JobRunStore } from "../shared/jobs/ports.js";
import type { JobsFile } from "../shared/jobs/types.js";
import { stderrLog } from "../shared/log.js";
import type { Notifier } from "../shared/notify/port.js";
import { type CliIo, UsageError } from "./io.js";

export const WATCHDOG_HELP = `Usage: ecs-sentinel watchdog --once [--dry-run] [--file FILE] [--verbose]

Runs the watchdog's sweep once, with the code of the watchdog Lambda, against the configured AWS endpoints:
job tasks past their maxRuntime are stopped, missed runs are alarmed, pending flood digests are sent. Prints
one line per item.

Options:
  --once       run one sweep and exit (required: the deployed watchdog is the schedule)
  --dry-run    change and send nothing: no StopTask, no message (printed instead), no digest sweep, no
               watch state written; prints what the sweep would do
  --file FILE  the jobs file (default: $JOBS_FILE, else ./jobs.yml)
  --verbose    log what the sweep does (stderr)
  -h, --help   show this help

Exit status: 0 swept; 1 a job could not be checked or a message not delivered; 2 wrong usage or invalid
jobs file. Environment: AWS_REGION, AWS_ENDPOINT_URL, STATE_TABLE, NOTIFY_TOPIC_ARN, SLACK_WEBHOOK_URL.`;

/** The run store for a dry run: reads as the real one, remembers no watch state. */
function readOnlyWatch(store: JobRunStore): JobRunStore {
  return { ...store, saveWatchState: async () => {} };
}

function printingNotifier(io: CliIo): Notifier {
  return async (message, target) => {
    const to = target.channels?.join(",") ?? "every configured channel";
    io.stdout.write(`  would send to ${to}: [${message.severity.toUpperCase()}] ${message.title}\n`);
    return [];
  };
}

export type WatchdogDepsFactory = (file: JobsFile, dryRun: boolean, io: CliIo) => WatchdogFlowDeps;

export const defaultWatchdogDeps: WatchdogDepsFactory = (file, dryRun, io) => {
  const config = loadConfig(io.env);
  const deps = jobsFlowDeps(config, { log: stderrLog(false), deadline: () => 120_000 }, file);
  if (!dryRun) return deps;
  return {
    ...deps,
    dryRun: true,
    store: readOnlyWatch(deps.store),
    notify: printingNotifier(io),
    sweepDigests: async () => ({ digests: [], failed: 0, deferred: 0 }),
  };
};

export async function runWatchdogCli(
  argv: string[],
  io: CliIo,
  depsFor: WatchdogDepsFactory = defaultWatchdogDeps,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      once: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      file: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${WATCHDOG_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.once)
    throw new UsageError("give --once: the CLI runs one sweep (the stack runs it every 5 minutes)");
  const path = values.file ?? io.env.JOBS_FILE ?? "jobs.yml";
  let file: JobsFile;
  try {
    file = parseJobsFile(await io.readFile(path), basename(path));
  } catch (error) {
    if (error instanceof JobsFileError) {
      for (const problem of error.problems) io.stderr.write(`${problem}\n`);
      return 2;
    }
    const code = (error as { code?: string }).code;
    if (code) {
      io.stderr.write(`${path}: cannot read the jobs file (${code})\n`);
      return 2;
    }
    throw error;
  }
  const dryRun = values["dry-run"];
  const deps = depsFor(file, dryRun, io);
  const result = await handleWatchdog(values.verbose ? deps : { ...deps, log: stderrLog(false) });

  const prefix = dryRun ? "would stop" : "stopped";
  for (const task of dryRun ? result.wouldStop : result.stopped)
    io.stdout.write(
      `${prefix} ${task.job}: ${task.taskArn} (running ${task.runningSeconds} s): ${task.reason}\n`,
    );
  for (const missed of result.missed)
    io.stdout.write(`missed ${missed.job}: no run started for ${missed.scheduledAt}\n`);
  for (const error of result.errors) io.stdout.write(`error ${error.job}: ${error.error}\n`);
  if (dryRun) io.stdout.write("digests: not swept in a dry run\n");
  else
    io.stdout.write(
      `digests: ${result.digests.sent} sent, ${result.digests.failed} failed, ${result.digests.deferred} deferred\n`,
    );
  io.stdout.write(
    `${file.jobs.length} job(s) checked: ${result.stopped.length + result.wouldStop.length} overdue, ${result.missed.length} missed, ${result.errors.length} error(s)${dryRun ? " (dry run: nothing changed or sent)" : `, ${result.messages} message(s) sent`}\n`,
  );
  return result.errors.length > 0 || result.notifyFailures > 0 ? 1 : 0;
}

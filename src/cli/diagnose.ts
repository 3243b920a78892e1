/** `ecs-sentinel diagnose`: files, stdin or a live task -> a report or JSON Lines. */
import { ecsClient } from "../app/aws.js";
import { loadConfig } from "../app/config.js";
import { clientsForConfig, type Scope, type ScopedClients } from "../app/member-access.js";
import { ACCOUNT_ID } from "../shared/accounts/policy.js";
import { diagnoseTask } from "../shared/diagnosis/index.js";
import type { Diagnosis, DiagnosisContext } from "../shared/diagnosis/types.js";
import type { EcsTask } from "../shared/events/index.js";
import type { LogTailSection } from "../shared/notify/message.js";
import { stripControl } from "../shared/notify/text.js";
import { fileHint, parseCommandArgs } from "./args.js";
import { paletteFor } from "./colors.js";
import {
  type DescribeFailure,
  describeInputProblem,
  parseJsonDocuments,
  type TaskOrProblem,
  tasksFromDocument,
} from "./inputs.js";
import { type CliIo, readAll, UsageError } from "./io.js";
import { fetchLiveTask, type LiveTask, liveLogTail } from "./live-task.js";
import { diagnosisJson, diagnosisReport } from "./report.js";
import { describeFailure, failureJson, failureText, notStoppedJson, notStoppedText } from "./state-report.js";
import { notStopped } from "./task-state.js";

export const DIAGNOSE_HELP = `Usage: ecs-sentinel diagnose [--json] [FILE|-]...
       ecs-sentinel diagnose [--json] --cluster CLUSTER --task TASK [--account A] [--region R]

Explains why ECS tasks stopped and what to do about it.

Input (files, or standard input when no FILE is given or FILE is "-"):
  - an EventBridge "ECS Task State Change" event
  - a bare task (the event's "detail")
  - a DescribeTasks response: {"tasks": [...], "failures": [...]}   (aws ecs describe-tasks ... output)
  - a JSON array of any of these, or JSON Lines (one document per line)

A task is diagnosed once it is STOPPED (or has the Spot interruption notice, as the Lambda does). A task in
any other state (PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING) is
reported as "not stopped (yet)" with what it is waiting for and, when ECS was asked to stop it, the stop code
and reason so far; it gets no category. A DescribeTasks failure (MISSING: ECS forgets a stopped task after
about an hour) is reported with its reason and a pointer to "ecs-sentinel history --cluster C".

Options:
  --json             print JSON Lines, one object per task in input order, each with a "status":
                     "diagnosed" (taskArn, category, severity, title, summary, remediation[], evidence[],
                     docs[] and more), "not-stopped" (taskArn, lastStatus, desiredStatus, waitingFor) or
                     "failure" (taskArn, reason, message, suggestion)
  --cluster CLUSTER  with --task: diagnose a live task through the AWS API
  --task TASK        task id or ARN (DescribeTasks, then DescribeTaskDefinition for memory limits)
  --account A        an Organization hub: the member account the task runs in, read through the member
                     role (MEMBER_ROLE_NAME, MEMBER_EXTERNAL_ID; needs HUB_ACCOUNT_ID), with the failing
                     container's log tail read in that account
  --region R         ... and its region (default: AWS_REGION)
  -h, --help         show this help

Exit status: 0 every task diagnosed; 3 some task has not stopped yet (and nothing worse); 2 some input
unreadable or invalid (one line each on stderr), a task ECS could not describe (DescribeTasks failure),
or wrong usage; the other inputs are still reported; 1 an AWS call failed.
Colour is used only on a terminal (set NO_COLOR to turn it off).`;

const OPTIONS = {
  json: { type: "boolean", default: false },
  cluster: { type: "string" },
  task: { type: "string" },
  account: { type: "string" },
  region: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Exit status: the worst outcome wins (2 problem or failure > 3 not stopped > 0 diagnosed). */
class Outcome {
  private problem = false;
  private waiting = false;
  fail(): void {
    this.problem = true;
  }
  notStopped(): void {
    this.waiting = true;
  }
  code(): number {
    return this.problem ? 2 : this.waiting ? 3 : 0;
  }
}

export interface DiagnoseDeps {
  /** The clients of an account and region (default: the Lambdas' own, over the member role). */
  clientsFor?: (scope: Scope) => ScopedClients;
}

/** A member account's (or another region's) live task, with the log tail read there; the hub's clients otherwise. */
async function memberLiveTask(
  values: { cluster: string; task: string; account?: string; region?: string },
  io: CliIo,
  deps: DiagnoseDeps,
): Promise<{ live: LiveTask; tail: (d: Diagnosis) => Promise<LogTailSection | undefined> }> {
  if (values.account !== undefined && !ACCOUNT_ID.test(values.account))
    throw new UsageError(`--account must be a 12-digit account id, got "${values.account}"`);
  const config = loadConfig(io.env);
  if (values.account !== undefined && !config.hubAccountId)
    throw new UsageError(
      "--account needs HUB_ACCOUNT_ID (the hub's own account) to tell a member account apart",
    );
  const clients = (deps.clientsFor ?? clientsForConfig(config))({
    account: values.account ?? config.hubAccountId,
    region: values.region ?? config.region,
  });
  const live = await fetchLiveTask(clients.ecs, values.cluster, values.task);
  return {
    live,
    tail: (d) =>
      live.kind === "task"
        ? liveLogTail(live, d, clients.logs, config.logTailLines)
        : Promise.resolve(undefined),
  };
}

function tailText(tail: LogTailSection): string {
  const lines = [`  Log tail (${stripControl(tail.source)})`];
  if (tail.note) lines.push(`    ${stripControl(tail.note)}`);
  for (const line of tail.lines) lines.push(`    ${stripControl(line)}`);
  if (tail.link) lines.push(`    ${tail.link}`);
  return `${lines.join("\n")}\n`;
}

export async function runDiagnose(argv: string[], io: CliIo, deps: DiagnoseDeps = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    io.stdout.write(`${DIAGNOSE_HELP}\n`);
    return 0;
  }
  const palette = paletteFor(io.stdout, io.env);
  const outcome = new Outcome();
  const printTask = async (
    task: EcsTask,
    context?: DiagnosisContext,
    again?: string,
    readTail?: (d: Diagnosis) => Promise<LogTailSection | undefined>,
  ) => {
    const state = notStopped(task);
    if (state) {
      outcome.notStopped();
      io.stdout.write(values.json ? `${notStoppedJson(state)}\n` : notStoppedText(state, palette, again));
      return;
    }
    const d = diagnoseTask(task, context);
    const tail = await readTail?.(d);
    if (values.json) {
      const record = diagnosisJson(d);
      io.stdout.write(`${tail ? JSON.stringify({ ...JSON.parse(record), logTail: tail }) : record}\n`);
    } else io.stdout.write(`${diagnosisReport(d, palette)}${tail ? `\n${tailText(tail)}` : ""}`);
  };
  const printFailure = (failure: DescribeFailure, cluster?: string) => {
    outcome.fail();
    const report = describeFailure(failure, cluster);
    io.stdout.write(values.json ? `${failureJson(report)}\n` : failureText(report, palette));
  };

  if (values.cluster || values.task) {
    if (!values.cluster || !values.task) throw new UsageError("--cluster and --task go together");
    if (positionals.length > 0) throw new UsageError("give either files or --cluster/--task, not both");
    const scoped = values.account !== undefined || values.region !== undefined;
    const { live, tail } = scoped
      ? await memberLiveTask({ ...values, cluster: values.cluster, task: values.task }, io, deps)
      : { live: await fetchLiveTask(ecsClient(), values.cluster, values.task), tail: undefined };
    const where = `${values.account ? ` --account ${values.account}` : ""}${values.region ? ` --region ${values.region}` : ""}`;
    if (live.kind === "failure") printFailure(live.failure, values.cluster);
    else
      await printTask(
        live.task,
        live.context,
        `ecs-sentinel diagnose --cluster ${values.cluster} --task ${values.task}${where}`,
        tail,
      );
    return outcome.code();
  }
  if (values.account !== undefined || values.region !== undefined)
    throw new UsageError("--account and --region go with --cluster and --task");

  const sources = positionals.length > 0 ? positionals : ["-"];
  for (const source of sources) {
    const name = source === "-" ? "<stdin>" : source;
    let inputs: TaskOrProblem[];
    try {
      const text = source === "-" ? await readAll(io.stdin) : await io.readFile(source);
      const docs = parseJsonDocuments(text);
      inputs = docs.flatMap((doc, i) => tasksFromDocument(doc, docs.length > 1 ? `line ${i + 1}` : ""));
    } catch (error) {
      const missing = (error as { code?: unknown } | null)?.code === "ENOENT";
      const hint = missing ? fileHint(source, OPTIONS) : "";
      inputs = [{ problem: `${describeInputProblem(error)}${hint}`, origin: "" }];
    }
    for (const input of inputs) {
      if ("problem" in input) {
        outcome.fail();
        io.stderr.write(`ecs-sentinel: ${name}: ${input.problem}\n`);
      } else if ("failure" in input) printFailure(input.failure);
      else await printTask(input.task);
    }
  }
  return outcome.code();
}

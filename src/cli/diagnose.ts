/** `ecs-sentinel diagnose`: files, stdin or a live task -> a report or JSON Lines. */
import { ecsClient } from "../app/aws.js";
import { diagnoseTask } from "../shared/diagnosis/index.js";
import type { DiagnosisContext } from "../shared/diagnosis/types.js";
import type { EcsTask } from "../shared/events/index.js";
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
import { fetchLiveTask } from "./live-task.js";
import { diagnosisJson, diagnosisReport } from "./report.js";
import { describeFailure, failureJson, failureText, notStoppedJson, notStoppedText } from "./state-report.js";
import { notStopped } from "./task-state.js";

export const DIAGNOSE_HELP = `Usage: ecs-sentinel diagnose [--json] [FILE|-]...
       ecs-sentinel diagnose [--json] --cluster CLUSTER --task TASK

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
  -h, --help         show this help

Exit status: 0 every task diagnosed; 3 some task has not stopped yet (and nothing worse); 2 some input
unreadable or invalid (one line each on stderr), a task ECS could not describe (DescribeTasks failure),
or wrong usage; the other inputs are still reported; 1 an AWS call failed.
Colour is used only on a terminal (set NO_COLOR to turn it off).`;

const OPTIONS = {
  json: { type: "boolean", default: false },
  cluster: { type: "string" },
  task: { type: "string" },
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

export async function runDiagnose(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    io.stdout.write(`${DIAGNOSE_HELP}\n`);
    return 0;
  }
  const palette = paletteFor(io.stdout, io.env);
  const outcome = new Outcome();
  const printTask = (task: EcsTask, context?: DiagnosisContext, again?: string) => {
    const state = notStopped(task);
    if (state) {
      outcome.notStopped();
      io.stdout.write(values.json ? `${notStoppedJson(state)}\n` : notStoppedText(state, palette, again));
      return;
    }
    const d = diagnoseTask(task, context);
    io.stdout.write(values.json ? `${diagnosisJson(d)}\n` : diagnosisReport(d, palette));
  };
  const printFailure = (failure: DescribeFailure, cluster?: string) => {
    outcome.fail();
    const report = describeFailure(failure, cluster);
    io.stdout.write(values.json ? `${failureJson(report)}\n` : failureText(report, palette));
  };

  if (values.cluster || values.task) {
    if (!values.cluster || !values.task) throw new UsageError("--cluster and --task go together");
    if (positionals.length > 0) throw new UsageError("give either files or --cluster/--task, not both");
    const live = await fetchLiveTask(ecsClient(), values.cluster, values.task);
    if (live.kind === "failure") printFailure(live.failure, values.cluster);
    else
      printTask(
        live.task,
        live.context,
        `ecs-sentinel diagnose --cluster ${values.cluster} --task ${values.task}`,
      );
    return outcome.code();
  }

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
      else printTask(input.task);
    }
  }
  return outcome.code();
}

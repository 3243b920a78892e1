/** `ecs-sentinel diagnose`: files, stdin or a live task -> a report or JSON Lines. */
import { parseArgs } from "node:util";
import { ecsClient } from "../shared/aws.js";
import { diagnoseTask } from "../shared/diagnosis/index.js";
import type { Diagnosis } from "../shared/diagnosis/types.js";
import { paletteFor } from "./colors.js";
import { describeInputProblem, parseJsonDocuments, type TaskOrProblem, tasksFromDocument } from "./inputs.js";
import { type CliIo, readAll, UsageError } from "./io.js";
import { fetchLiveTask } from "./live-task.js";
import { diagnosisJson, diagnosisReport } from "./report.js";

export const DIAGNOSE_HELP = `Usage: ecs-sentinel diagnose [--json] [FILE|-]...
       ecs-sentinel diagnose [--json] --cluster CLUSTER --task TASK

Explains why ECS tasks stopped and what to do about it.

Input (files, or standard input when no FILE is given or FILE is "-"):
  - an EventBridge "ECS Task State Change" event
  - a bare task (the event's "detail")
  - a DescribeTasks response: {"tasks": [...]}   (aws ecs describe-tasks ... output)
  - a JSON array of any of these, or JSON Lines (one document per line)

Options:
  --json             print JSON Lines: one object per task, in input order, with taskArn, category,
                     severity, title, summary, remediation[], evidence[], docs[] and more
  --cluster CLUSTER  with --task: diagnose a live task through the AWS API
  --task TASK        task id or ARN (DescribeTasks, then DescribeTaskDefinition for memory limits)
  -h, --help         show this help

Exit status: 0 all inputs diagnosed; 2 some input unreadable or invalid (one line each on stderr,
the other inputs are still processed) or wrong usage; 1 an AWS call failed.
Colour is used only on a terminal (set NO_COLOR to turn it off).`;

export async function runDiagnose(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      cluster: { type: "string" },
      task: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${DIAGNOSE_HELP}\n`);
    return 0;
  }
  const palette = paletteFor(io.stdout, io.env);
  const print = (d: Diagnosis) =>
    io.stdout.write(values.json ? `${diagnosisJson(d)}\n` : diagnosisReport(d, palette));

  if (values.cluster || values.task) {
    if (!values.cluster || !values.task) throw new UsageError("--cluster and --task go together");
    if (positionals.length > 0) throw new UsageError("give either files or --cluster/--task, not both");
    const { task, context } = await fetchLiveTask(ecsClient(), values.cluster, values.task);
    print(diagnoseTask(task, context));
    return 0;
  }

  const sources = positionals.length > 0 ? positionals : ["-"];
  let failed = false;
  for (const source of sources) {
    const name = source === "-" ? "<stdin>" : source;
    let inputs: TaskOrProblem[];
    try {
      const text = source === "-" ? await readAll(io.stdin) : await io.readFile(source);
      const docs = parseJsonDocuments(text);
      inputs = docs.flatMap((doc, i) => tasksFromDocument(doc, docs.length > 1 ? `line ${i + 1}` : ""));
    } catch (error) {
      inputs = [{ problem: describeInputProblem(error), origin: "" }];
    }
    for (const input of inputs) {
      if ("problem" in input) {
        failed = true;
        io.stderr.write(`ecs-sentinel: ${name}: ${input.problem}\n`);
      } else {
        print(diagnoseTask(input.task));
      }
    }
  }
  return failed ? 2 : 0;
}

/** `ecs-sentinel hook`: the verdict the deployment lifecycle hook would give now for a service's newest deployment. */
import type { ECSClient } from "@aws-sdk/client-ecs";
import { ecsClient } from "../app/aws.js";
import { deploymentHookDeps } from "../app/deployment-hook.js";
import { newestServiceDeployment } from "../app/deployment-hook-ecs.js";
import { errorSummary } from "../shared/aws-errors.js";
import { arnName } from "../shared/events/arns.js";
import { type HookRun, runDeploymentHook } from "../shared/flows/deployment-hook.js";
import { stderrLog } from "../shared/log.js";
import { singleLine } from "../shared/notify/text.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, UsageError } from "./io.js";

export const HOOK_HELP = `Usage: ecs-sentinel hook --cluster C --service S [--json]

Prints the answer ecs-sentinel's deployment lifecycle hook (the deploymentHook Lambda) would give ECS now for
the service's newest service deployment — SUCCEEDED, FAILED or IN_PROGRESS — and why: the new revision's tasks,
the diagnosis of any that stopped, the bake time. Same code as the Lambda; it tells no one and changes nothing.
With no previous call to remember, the bake is counted from the newest running task's start.

Options:
  --cluster C   cluster name or ARN (required)
  --service S   service name (required)
  --json        one JSON object instead of the report
  -h, --help    show this help

Environment: AWS_REGION, AWS_ENDPOINT_URL(_ECS); HOOK_FAIL_CLOSED, HOOK_BAKE_SECONDS, HOOK_CALLBACK_SECONDS,
HOOK_CRASH_THRESHOLD, HOOK_ELB_UNHEALTHY_THRESHOLD as for the Lambda.
Exit status: 0 printed; 1 the service deployment could not be read or there is none; 2 wrong usage.`;

export interface HookCommandDeps {
  ecs?: ECSClient;
  now?: () => number;
  env?: Record<string, string | undefined>;
}

/** How long the preview may take (the Lambda's deadline comes from its context). */
const CLI_DEADLINE_MS = 60_000;

function report(run: HookRun, deployment: { serviceDeploymentArn: string; status?: string }): string[] {
  const { verdict, payload, loaded } = run;
  const lines = [
    `${verdict.hookStatus}${verdict.callBackDelay ? ` (call again in ${verdict.callBackDelay} s)` : ""}: ${singleLine(verdict.reason)}`,
    `  service deployment ${arnName(deployment.serviceDeploymentArn)} (${deployment.status ?? "?"}), stage ${payload?.lifecycleStage ?? "?"}`,
  ];
  if (loaded) {
    const td = loaded.revision.taskDefinition;
    lines.push(
      `  revision ${arnName(loaded.revision.serviceRevisionArn)}${td ? `, task definition ${arnName(td)}` : ""}, ${loaded.tasks.length} task(s) of it${loaded.deploymentId ? `, started by ${loaded.deploymentId}` : ""}`,
    );
  }
  const failure = verdict.failure;
  if (failure) {
    lines.push(
      `  culprit: task ${arnName(failure.taskArn)} — ${failure.category} (${failure.subCause}): ${singleLine(failure.title)}`,
    );
    if (failure.stoppedReason) lines.push(`    ${singleLine(failure.stoppedReason)}`);
    for (const step of failure.remediation.slice(0, 3)) lines.push(`    - ${singleLine(step)}`);
  }
  for (const warning of verdict.warnings) lines.push(`  warning: ${singleLine(warning)}`);
  return lines;
}

export async function runHookCli(argv: string[], io: CliIo, deps: HookCommandDeps = {}): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    allowPositionals: false,
    options: {
      cluster: { type: "string" },
      service: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${HOOK_HELP}\n`);
    return 0;
  }
  if (!values.cluster || !values.service) throw new UsageError("--cluster and --service are required");
  const ecs = deps.ecs ?? ecsClient();
  let deployment: Awaited<ReturnType<typeof newestServiceDeployment>>;
  try {
    deployment = await newestServiceDeployment(ecs, values.cluster, values.service);
  } catch (error) {
    io.stderr.write(`ecs-sentinel hook: the service deployments could not be read: ${errorSummary(error)}\n`);
    return 1;
  }
  if (!deployment) {
    io.stderr.write(
      `ecs-sentinel hook: service ${values.service} in ${values.cluster} has no service deployment\n`,
    );
    return 1;
  }
  const hookDeps = deploymentHookDeps({
    runtime: { log: stderrLog(), deadline: () => CLI_DEADLINE_MS },
    ecs,
    notify: null,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.env ? { env: deps.env } : {}),
  });
  const payload = {
    lifecycleStage: deployment.lifecycleStage,
    resourceArn: deployment.serviceDeploymentArn,
    executionDetails: {
      serviceArn: deployment.serviceArn,
      targetServiceRevisionArn: deployment.targetServiceRevisionArn,
    },
    hookDetails: deployment.hookDetails,
  };
  const run = await runDeploymentHook(payload, hookDeps, { estimateHealthySince: true });
  if (values.json) {
    const { verdict, loaded } = run;
    const out = {
      cluster: values.cluster,
      service: values.service,
      serviceDeploymentArn: deployment.serviceDeploymentArn,
      serviceDeploymentStatus: deployment.status,
      stage: run.payload?.lifecycleStage,
      targetServiceRevisionArn: deployment.targetServiceRevisionArn,
      hookStatus: verdict.hookStatus,
      ...(verdict.callBackDelay ? { callBackDelay: verdict.callBackDelay } : {}),
      reason: verdict.reason,
      tasks: loaded?.tasks.length,
      ...(verdict.failure
        ? {
            failure: {
              taskArn: verdict.failure.taskArn,
              category: verdict.failure.category,
              subCause: verdict.failure.subCause,
              title: verdict.failure.title,
              stoppedReason: verdict.failure.stoppedReason,
            },
          }
        : {}),
      warnings: verdict.warnings,
    };
    io.stdout.write(`${JSON.stringify(out)}\n`);
  } else {
    io.stdout.write(`${report(run, deployment).join("\n")}\n`);
  }
  return 0;
}

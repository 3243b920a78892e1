/**
 * `ecs-sentinel deployments continue|rollback --cluster C --service S`: acts on a deployment paused by an ECS pause
 * hook (ContinueServiceDeployment with the hook's id), for services opted in like rollbacks. `--dry-run` says what
 * it would do.
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  type ECSClient,
  ListServiceDeploymentsCommand,
} from "@aws-sdk/client-ecs";
import { ecsClient } from "../app/aws.js";
import { ecsPauseActionPorts } from "../app/slack-action-service.js";
import { errorSummary } from "../shared/aws-errors.js";
import { pausedActionRefusal, pausedHookOf } from "../shared/deployments/paused-hook.js";
import { actOnPausedDeployment } from "../shared/flows/paused-deployment-action.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, UsageError } from "./io.js";

export const DEPLOYMENTS_HELP = `Usage: ecs-sentinel deployments continue|rollback --cluster C --service S [--dry-run]

Acts on the service's deployment that an ECS pause hook stopped (its lifecycle hook is AWAITING_ACTION):
"continue" lets it go on to the next stage, "rollback" returns the service to the previous revision — through
ECS's ContinueServiceDeployment with the hook's id. Only for services tagged ecs-sentinel:auto-rollback=true or
manual (IAM allows ecs-sentinel's functions no more), and only while the pause is waiting (not timed out);
anything else is refused. The same guard rails as the Slack buttons "Continue" / "Roll back".

Options:
  --cluster C   cluster name or ARN (required)
  --service S   service name (required)
  --dry-run     say what would be done, change nothing
  -h, --help    show this help

Environment: AWS_REGION, AWS_ENDPOINT_URL(_ECS).
Exit status: 0 done (or would be); 1 nothing paused, not allowed, or ECS refused; 2 wrong usage.`;

export interface DeploymentsCommandDeps {
  ecs?: ECSClient;
}

const ACTIONS = { continue: "CONTINUE", rollback: "ROLLBACK" } as const;

export async function runDeployments(
  argv: string[],
  io: CliIo,
  deps: DeploymentsCommandDeps = {},
): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    allowPositionals: true,
    options: {
      cluster: { type: "string" },
      service: { type: "string" },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(`${DEPLOYMENTS_HELP}\n`);
    return 0;
  }
  const verb = positionals[0];
  if (verb !== "continue" && verb !== "rollback")
    throw new UsageError('expected "continue" or "rollback" (ecs-sentinel deployments --help)');
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  if (!values.cluster || !values.service) throw new UsageError("--cluster and --service are required");
  const { cluster, service } = values;
  const ecs = deps.ecs ?? ecsClient();
  const fail = (text: string) => {
    io.stderr.write(`ecs-sentinel deployments ${verb}: ${text}\n`);
    return 1;
  };
  try {
    const described = await ecs.send(
      new DescribeServicesCommand({ cluster, services: [service], include: ["TAGS"] }),
    );
    const found = described.services?.[0];
    if (!found) return fail(`service ${service} not found in ${cluster}`);
    const refusal = pausedActionRefusal(found.tags ?? []);
    if (refusal) return fail(refusal);
    const listed = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster, service, status: ["PENDING", "IN_PROGRESS"] }),
    );
    const arns = (listed.serviceDeployments ?? []).flatMap((d) =>
      d.serviceDeploymentArn ? [d.serviceDeploymentArn] : [],
    );
    const details =
      arns.length === 0
        ? []
        : ((await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns })))
            .serviceDeployments ?? []);
    const paused = pausedHookOf(details);
    if (!paused) return fail(`no deployment of ${service} is waiting at a pause hook`);
    const decided = await actOnPausedDeployment(
      {
        serviceArn: found.serviceArn ?? service,
        serviceDeploymentArn: paused.serviceDeploymentArn,
        hookId: paused.hookId,
        action: ACTIONS[verb],
        now: Date.now(),
        dryRun: values["dry-run"],
      },
      ecsPauseActionPorts(ecs),
    );
    if (decided.status === "refused") return fail(decided.result);
    const timeout = paused.expiresAt
      ? `, times out ${paused.expiresAt.toISOString()} with ${paused.timeoutAction ?? "its timeout action"}`
      : "";
    const prefix = decided.status === "dry-run" ? "" : "done: ";
    io.stdout.write(`${prefix}${decided.result} (hook ${paused.hookId}${timeout})\n`);
    return 0;
  } catch (error) {
    return fail(errorSummary(error));
  }
}

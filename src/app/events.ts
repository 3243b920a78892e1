/**
 * Composition of the event side: the dependencies of `dispatchEvent` (task-state and deployment events), from
 * the configuration. Lambda handlers and `ecs-sentinel replay` both build them here, so they run the same code
 * path.
 */
import type { Context } from "aws-lambda";
import { buildTaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import type { FlowDeps } from "../shared/flows/dispatch.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { ecsClient } from "./aws.js";
import { type Config, loadConfig } from "./config.js";
import { deploymentDeps } from "./deployments.js";
import { configuredEnrichment, taskDefinitionContextLoader } from "./enrichment.js";
import { jobHooks } from "./jobs.js";
import { buildNotifications } from "./notifications.js";
import { lambdaRuntime, type RuntimeOptions } from "./runtime.js";

export function flowDeps(
  config: Config,
  options: RuntimeOptions,
  notifications: NotificationService,
): FlowDeps {
  const notify = asNotifier(notifications);
  const loadTaskDefinition = buildTaskDefinitionLoader(ecsClient());
  const deployments = deploymentDeps(config, {
    log: options.log,
    notify,
    adapters: { loadTaskDefinition },
  });
  return {
    notify,
    log: options.log,
    taskDefinitionContext: taskDefinitionContextLoader(loadTaskDefinition),
    enrichment: configuredEnrichment(config, { ...options, loadTaskDefinition }),
    deploymentEvent: deployments.deploymentEvent,
    hooks: [...deployments.hooks, ...jobHooks(config, options)],
  };
}

/**
 * For a Lambda handler: configuration and adapters are built once at cold start (a bad variable fails the
 * init loudly); the returned function binds them to each invocation's deadline.
 */
export function lambdaFlowDeps(config: Config = loadConfig()): (context: Context) => FlowDeps {
  const runtime = lambdaRuntime();
  const deps = flowDeps(config, runtime.options, buildNotifications(config, runtime.options));
  return (context) => {
    runtime.bind(context);
    return deps;
  };
}

/**
 * Composition of the event side: the dependencies of `dispatchEvent` (task-state and deployment events), from
 * the configuration. Lambda handlers and `ecs-sentinel replay` both build them here, so they run the same code
 * path.
 */
import type { Context } from "aws-lambda";
import { gatedAccountSeen, type SawScope } from "../shared/accounts/last-seen.js";
import { dynamoAccountSeen } from "../shared/accounts/last-seen-dynamo.js";
import { accountRefusal, isMemberScope, scopeKeyPrefix } from "../shared/accounts/policy.js";
import { buildTaskDefinitionLoader } from "../shared/enrich/task-definition-cache.js";
import { daemonStopHook } from "../shared/flows/daemon-stop.js";
import type { FlowDeps } from "../shared/flows/dispatch.js";
import { cachedHostLookup } from "../shared/hosts/stop-link.js";
import { asNotifier } from "../shared/notify/as-notifier.js";
import type { NotificationService } from "../shared/notify/outcomes.js";
import { dynamoDocumentClient, ecsClient } from "./aws.js";
import { type Config, loadConfig } from "./config.js";
import { crashLoopHooks, lazyDeploymentEvent } from "./crash-loop.js";
import { deploymentStores } from "./deployment-stores.js";
import { configuredEnrichment, taskDefinitionContextLoader } from "./enrichment.js";
import { configuredHostStatus } from "./host-status.js";
import { jobHooks } from "./job-hooks.js";
import { clientsForConfig, type Scope, type ScopedClients } from "./member-access.js";
import { buildNotifications } from "./notifications.js";
import { lambdaRuntime, type RuntimeOptions } from "./runtime.js";

/** What differs for another account's or region's events (an Organization hub). */
export interface ScopeWiring {
  clients: ScopedClients;
  keyPrefix: string;
}

export function flowDeps(
  config: Config,
  options: RuntimeOptions,
  notifications: NotificationService,
  scope?: ScopeWiring,
): FlowDeps {
  const notify = asNotifier(notifications);
  const ecs = scope?.clients.ecs ?? ecsClient();
  const loadTaskDefinition = buildTaskDefinitionLoader(ecs);
  // One pair of stores for the crash-loop hook and the deployment flows (a claim made by one is seen by the other).
  const stores = deploymentStores(config, { log: options.log });
  const deploymentOptions = {
    log: options.log,
    notify,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    adapters: { ecs, loadTaskDefinition, rollbackStore: stores.rollback, crashLoopStore: stores.crashLoop },
    ...(scope ? { keyPrefix: scope.keyPrefix } : {}),
  };
  const hostStatus = configuredHostStatus(config, dynamoDocumentClient);
  const hostImpairment = hostStatus ? cachedHostLookup(hostStatus.recall) : undefined;
  // A failed managed daemon drains its host: remembered (and known at once here) so the drained tasks name it.
  const daemonHooks =
    hostStatus && hostImpairment
      ? [
          daemonStopHook(async (impairment) => {
            hostImpairment.note(impairment);
            await hostStatus.remember(impairment);
          }, options.log),
        ]
      : [];
  return {
    notify,
    log: options.log,
    ...(hostImpairment ? { hostImpairment } : {}),
    taskDefinitionContext: taskDefinitionContextLoader(loadTaskDefinition),
    enrichment: configuredEnrichment(config, {
      ...options,
      loadTaskDefinition,
      ...(scope ? { clients: scope.clients, keyPrefix: scope.keyPrefix } : {}),
    }),
    deploymentEvent: lazyDeploymentEvent(config, deploymentOptions),
    hooks: [...daemonHooks, ...crashLoopHooks(config, deploymentOptions), ...jobHooks(config, options)],
    ...(scope?.keyPrefix ? { keyPrefix: scope.keyPrefix } : {}),
  };
}

/**
 * An Organization hub records when each account and region last sent an event (`org check` reads it). A
 * single-account deployment (ALLOWED_ACCOUNTS empty) has nobody to check and keeps its table calls unchanged.
 */
function accountSeenHook(config: Config, options: RuntimeOptions): SawScope | undefined {
  if (!config.stateTable || config.dryRun || config.allowedAccounts.kind === "own") return undefined;
  const store = dynamoAccountSeen(dynamoDocumentClient(), config.stateTable);
  return gatedAccountSeen(store, { now: Date.now, log: options.log });
}

/**
 * The dependencies of every event: the hub's own for its account and region, and for another allowed account or
 * region the same use cases over clients in that account (the member role) with keys kept apart — built once per
 * account and region. Events of accounts the deployment does not act for are dropped (ALLOWED_ACCOUNTS).
 */
export function scopedFlowDeps(
  config: Config,
  options: RuntimeOptions,
  notifications: NotificationService,
  clientsFor: (scope: Scope) => ScopedClients = clientsForConfig(config),
  sawScope: SawScope | undefined = accountSeenHook(config, options),
): FlowDeps {
  const home = { account: config.hubAccountId, region: config.region };
  const homeDeps = flowDeps(config, options, notifications);
  const byScope = new Map<string, FlowDeps>();
  const forScope = (scope: Scope): FlowDeps | string => {
    const refusal = accountRefusal(scope.account, config.allowedAccounts, home);
    if (refusal) return refusal;
    if (!isMemberScope(scope, home)) return homeDeps;
    const key = `${scope.account ?? "-"}:${scope.region ?? "-"}`;
    let deps = byScope.get(key);
    if (!deps) {
      deps = flowDeps(config, options, notifications, {
        clients: clientsFor(scope),
        keyPrefix: scopeKeyPrefix(scope, home),
      });
      byScope.set(key, deps);
    }
    return deps;
  };
  return { ...homeDeps, forScope, ...(sawScope ? { sawScope } : {}) };
}

/**
 * For a Lambda handler: configuration and adapters are built once at cold start (a bad variable fails the
 * init loudly); the returned function binds them to each invocation's deadline.
 */
export function lambdaFlowDeps(config: Config = loadConfig()): (context: Context) => FlowDeps {
  const runtime = lambdaRuntime();
  const deps = scopedFlowDeps(config, runtime.options, buildNotifications(config, runtime.options));
  return (context) => {
    runtime.bind(context);
    return deps;
  };
}

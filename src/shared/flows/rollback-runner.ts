/**
 * One rollback attempt, shared by the failed-deployment flow and the crash-loop hook:
 *   load the service and its deployment history -> decide (guard rails) -> claim (at most one rollback per
 *   deployment, however many copies of the trigger run at once) -> execute unless dry run -> record the
 *   rollback for the cooldown -> log the decision -> notify every decision whose trigger held.
 * Orchestration over injected ports; AWS errors propagate so the caller chooses between retry and log.
 */

import { errorSummary } from "../aws-errors.js";
import { rollbackCardPatch } from "../deployments/card-patches.js";
import { deploymentThreadKey } from "../deployments/thread-key.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import type { ChannelOutcome, Notifier } from "../notify/port.js";
import { deploymentProblemKey } from "../notify/problems/keys.js";
import type { RollbackInputs } from "../rollback/ecs-rollback.js";
import { rollbackMessage } from "../rollback/message.js";
import { decideRollback } from "../rollback/policy.js";
import type { RollbackStore } from "../rollback/rollback-store.js";
import type {
  Decision,
  RollbackConfig,
  RollbackInput,
  RollbackOutcome,
  RollbackTrigger,
} from "../rollback/types.js";
import { rollbackActions } from "../slack-actions/offers.js";
import { deploymentReply } from "./deployment-thread.js";

/** The ECS side the runner needs (ecsRollback satisfies it). */
export interface RollbackActions {
  loadRollbackInputs(serviceArn: string): Promise<RollbackInputs>;
  executeRollback(decision: Decision): Promise<RollbackOutcome>;
}

export interface RollbackRequest {
  trigger: RollbackTrigger;
  serviceArn: string;
  /** The decision's clock: the triggering event's time, so windows follow the events, not the delivery. */
  now: Date;
  account?: string;
  region?: string;
  /** ISO time of the triggering event, for the message. */
  time?: string;
}

export interface RollbackRun {
  /** Absent when no decision could be made (a dry run without AWS). */
  decision?: Decision;
  outcome?: RollbackOutcome;
  notified?: ChannelOutcome[];
  /** Why no decision could be made (the check failed); it was notified. */
  failure?: string;
  /** One line for people: what was decided, or what would be done. */
  summary: string;
}

export type RollbackRunner = (request: RollbackRequest) => Promise<RollbackRun>;

export interface RollbackRunnerDeps {
  ecs: RollbackActions;
  store: RollbackStore;
  notify: Notifier;
  log: Log;
  config: Partial<RollbackConfig>;
  /**
   * Reads whether the deployment's rollback was already claimed, so a redelivered trigger is told "already
   * started" rather than "in cooldown" (the cooldown its own rollback set). The claim itself stays the guard.
   */
  rollbackClaimed?: (deploymentId: string) => Promise<boolean>;
}

/** One message per deployment and decision (and outcome): redelivered triggers do not repeat it. */
export function rollbackDedupeKey(decision: Decision, outcome: RollbackOutcome | undefined): string {
  const executed = outcome && outcome.status !== "skipped" ? `#${outcome.status}` : "";
  return `rollback#${decision.deploymentId}#${decision.code}${executed}`;
}

function outcomeText(outcome: RollbackOutcome | undefined): string | undefined {
  if (!outcome) return undefined;
  if (outcome.status === "skipped") return `skipped (${outcome.why})`;
  if (outcome.status === "failed") return `${outcome.api} failed: ${outcome.error}`;
  return `${outcome.api} done`;
}

export function rollbackRunner(deps: RollbackRunnerDeps): RollbackRunner {
  const { ecs, store, log } = deps;
  const dryRun = deps.config.dryRun ?? false;

  async function decide(request: RollbackRequest): Promise<Decision> {
    const { service, history } = await ecs.loadRollbackInputs(request.serviceArn);
    const input: RollbackInput = {
      trigger: request.trigger,
      service,
      history,
      config: deps.config,
      now: request.now,
      lastRollbackAt: await store.lastRollbackAt(request.serviceArn),
      alreadyClaimed: !dryRun && (await deps.rollbackClaimed?.(request.trigger.deploymentId)),
    };
    const decision = decideRollback(input);
    // A dry run changes nothing, not even the claim: it reports what the first copy would do.
    if (decision.action !== "rollback" || dryRun) return decision;
    if (await store.claimRollback(decision.deploymentId, request.serviceArn)) return decision;
    return decideRollback({ ...input, alreadyClaimed: true });
  }

  async function execute(decision: Decision, at: Date): Promise<RollbackOutcome | undefined> {
    if (decision.action !== "rollback") return undefined;
    const outcome = await ecs.executeRollback(decision);
    if (outcome.status === "done") {
      // The rollback happened: failing to remember it for the cooldown must not hide it from people.
      await store.recordRollback(decision.serviceArn, at).catch((error: unknown) => {
        log.error("could not record the rollback for the cooldown", {
          ...serviceLogKeys(decision.serviceArn),
          error: errorSummary(error),
        });
      });
    }
    return outcome;
  }

  return async (request) => {
    const decision = await decide(request);
    const outcome = await execute(decision, request.now);
    const fields = {
      ...serviceLogKeys(request.serviceArn),
      deploymentId: decision.deploymentId,
      trigger: decision.trigger,
      action: decision.action,
      code: decision.code,
      reason: decision.reason,
      dryRun: decision.dryRun,
      failureCount: decision.failureCount,
      target: decision.target,
      outcome: outcomeText(outcome),
    };
    if (outcome?.status === "failed") log.error("rollback decision", fields);
    else log.info("rollback decision", fields);

    let notified: ChannelOutcome[] | undefined;
    if (decision.triggered) {
      const message = {
        ...rollbackMessage(decision, {
          outcome,
          account: request.account,
          region: request.region,
          time: request.time,
          cooldownMinutes: deps.config.cooldownMinutes,
        }),
        actions: rollbackActions(decision, outcome),
      };
      // The deployment UpdateService started continues the failed deployment's thread.
      const started = outcome?.status === "done" ? outcome.deploymentId : undefined;
      notified = await deps.notify(message, {
        dedupeKey: rollbackDedupeKey(decision, outcome),
        serviceArn: request.serviceArn,
        // A rollback that could not happen belongs to the broken deployment's incident.
        problem: { key: deploymentProblemKey(request.serviceArn) },
        thread: deploymentReply(
          request.serviceArn,
          decision.deploymentId,
          rollbackCardPatch(decision, outcome, request.now.getTime()),
          started ? [deploymentThreadKey(request.serviceArn, started)] : undefined,
        ),
      });
    }
    const done = outcomeText(outcome);
    return {
      decision,
      outcome,
      notified,
      summary: `rollback ${decision.code}${done ? ` (${done})` : ""}: ${decision.reason}`,
    };
  };
}

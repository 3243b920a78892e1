/**
 * The action service behind Slack's buttons, in two steps around the endpoint's acknowledgement:
 *
 *   decide(click)   (within Slack's 3 s) is the click from the bot's own workspace (auth.test, once per
 *                   container) -> what the clicked message offered (the state table, never the button's
 *                   value) -> is the user an approver for that service -> claim (message, action) once -> an
 *                   ephemeral answer, and the claim to execute
 *   execute(claim)  (after the answer) re-derive everything from the claim, re-check the current state through
 *                   the same guard rails as automation (the rollback policy), act, and put it on the record: the
 *                   claim item, a log line, an edit of the message (buttons gone), a reply in its thread
 */
import { arnName, parseServiceArn } from "../events/arns.js";
import type { PauseActionResult, PauseDecision } from "../flows/paused-deployment-action.js";
import type { RollbackRunner } from "../flows/rollback-runner.js";
import type { Log } from "../log.js";
import { formatUtc } from "../notify/render/time.js";
import type { CardStateLine } from "../notify/threads/types.js";
import type { IsApprover } from "./approvers.js";
import { muteActions, unmuteAction } from "./offers.js";
import type { SlackRecorder } from "./recorder.js";
import type { ActionStore, ClaimRecord, ClaimStatus } from "./store.js";
import type { ActionDecision, ActionKind, ClaimRef, ClickedAction } from "./types.js";
import { type BotWorkspaceLookup, workspaceGate } from "./workspace.js";

export interface ActionServiceDeps {
  store: ActionStore;
  /** The workspace the bot token belongs to (remembered per container); a click from any other is refused. */
  botWorkspace: BotWorkspaceLookup;
  isApprover: IsApprover;
  /** A person's rollback, through the automatic rollback's runner and guard rails. */
  rollback?: RollbackRunner;
  /** Runs a job again through the normal runner (overlap guard included); a summary for the record. */
  rerun?: (job: string, by: string) => Promise<{ started: boolean; summary: string }>;
  /** Continues or rolls back a deployment paused by a pause hook, through its guard rails. */
  decidePause?: (request: {
    serviceArn: string;
    serviceDeploymentArn: string;
    hookId: string;
    action: PauseDecision;
    now: number;
  }) => Promise<PauseActionResult>;
  recorder: SlackRecorder;
  log: Log;
  clock?: () => number;
}

const HOUR = 60 * 60_000;
const MUTE_MS: Partial<Record<ActionKind, number>> = { "mute-1h": HOUR, "mute-24h": 24 * HOUR };

const VERB: Record<ActionKind, [ing: string, done: string]> = {
  rollback: ["Rolling back", "rolled back"],
  rerun: ["Running again", "re-ran"],
  "mute-1h": ["Muting for 1 hour", "muted"],
  "mute-24h": ["Muting for 24 hours", "muted"],
  unmute: ["Unmuting", "unmuted"],
  "continue-paused": ["Continuing the deployment of", "continued the deployment of"],
  "rollback-paused": ["Rolling back the paused deployment of", "rolled back the paused deployment of"],
};

/** What the person asked for, when the action's name does not read as a verb. */
const ASKED: Partial<Record<ActionKind, string>> = {
  "continue-paused": "continue the paused deployment of",
  "rollback-paused": "roll back the paused deployment of",
};

/** A paused deployment's card after a person decided. */
const PAUSE_STATE: Partial<Record<ActionKind, (person: string) => CardStateLine>> = {
  "continue-paused": (person) => ({
    text: `Continued by ${person} after the pause`,
    severity: "info",
    phase: "in-progress",
  }),
  "rollback-paused": (person) => ({
    text: `Rolling back (asked by ${person} at the pause)`,
    severity: "warning",
    phase: "rolling-back",
  }),
};

const PAUSE_DECISIONS: Partial<Record<ActionKind, PauseDecision>> = {
  "continue-paused": "CONTINUE",
  "rollback-paused": "ROLLBACK",
};

const who = (id: string) => `<@${id}>`;
const serviceName = (serviceArn: string | undefined) =>
  (serviceArn && (parseServiceArn(serviceArn)?.service ?? arnName(serviceArn))) || "this service";

/** The answer to a click whose action (or the other half of its decision) someone claimed first. */
function alreadyClaimed(earlier: ClaimRecord, clicked: ActionKind, service: string): string {
  const when = formatUtc(new Date(earlier.at).toISOString());
  const result = earlier.result ? ` — ${earlier.result}` : "";
  if (earlier.kind !== clicked) {
    const chose = ASKED[earlier.kind] ?? earlier.kind.replace("-", " ");
    return `Already decided: ${who(earlier.by.id)} chose to ${chose} ${service} at ${when}${result}. Nothing was done.`;
  }
  const state = earlier.status === "claimed" ? "is being done" : `was ${earlier.status}`;
  return `Already done: this ${state} by ${who(earlier.by.id)} at ${when}${result}.`;
}

export interface ActionService {
  decide(click: ClickedAction): Promise<ActionDecision>;
  execute(claim: ClaimRef): Promise<void>;
}

export function actionService(deps: ActionServiceDeps): ActionService {
  const { store, log } = deps;
  const clock = deps.clock ?? Date.now;
  const otherWorkspace = workspaceGate(deps.botWorkspace, log);

  async function decide(click: ClickedAction): Promise<ActionDecision> {
    const fields = { action: click.kind, user: click.userId, channel: click.channel, ts: click.messageTs };
    const refused = await otherWorkspace(click, fields);
    if (refused) return refused;
    const offer = await store.offer(click.channel, click.messageTs);
    const offered = offer?.actions.find((action) => action.kind === click.kind);
    if (!offer || !offered) {
      log.warn("Slack action refused: the message offers no such action", fields);
      return { reply: "This button is not valid any more: nothing was done.", stale: true };
    }
    const service = serviceName(offered.subject.serviceArn ?? offered.subject.job);
    if (!(await deps.isApprover(click.userId, offered.subject.serviceArn))) {
      log.warn("Slack action refused: not an approver", { ...fields, service });
      return {
        reply: `Not allowed: ${who(click.userId)} is not an approver for ${service} (SLACK_APPROVERS, tag ecs-sentinel:approvers). Nothing was done.`,
      };
    }
    const claimed = await store.claim({
      channel: click.channel,
      ts: click.messageTs,
      kind: click.kind,
      offerAt: offer.at,
      subject: offered.subject,
      threadKey: offer.threadKey,
      parentTs: offer.parentTs,
      by: { id: click.userId, name: click.userName },
      at: clock(),
    });
    if (claimed.status === "taken") {
      const earlier = claimed.claim;
      log.info("Slack action already claimed", {
        ...fields,
        by: earlier.by.id,
        claimedAction: earlier.kind,
        status: earlier.status,
      });
      return { reply: alreadyClaimed(earlier, click.kind, service), stale: true };
    }
    log.info("Slack action claimed", { ...fields, service });
    const [ing] = VERB[click.kind];
    return {
      reply: `${ing} ${service}… the result follows in the thread.`,
      execute: { claimId: claimed.claim.claimId },
    };
  }

  async function act(
    claim: ClaimRecord,
    now: number,
  ): Promise<{ status: Exclude<ClaimStatus, "claimed">; result: string }> {
    const { subject } = claim;
    const by = who(claim.by.id);
    const mute = MUTE_MS[claim.kind];
    if (mute !== undefined) {
      if (!subject.serviceArn) return { status: "refused", result: "no service to mute" };
      const until = now + mute;
      await store.mute(subject.serviceArn, { until, by: claim.by.id, at: now });
      return {
        status: "done",
        result: `alerts muted until ${formatUtc(new Date(until).toISOString())} by ${by}`,
      };
    }
    if (claim.kind === "unmute") {
      if (!subject.serviceArn) return { status: "refused", result: "no service to unmute" };
      await store.unmute(subject.serviceArn);
      return { status: "done", result: "alerts unmuted" };
    }
    if (claim.kind === "rerun") {
      if (!deps.rerun || !subject.job)
        return { status: "refused", result: "re-running jobs is not set up here" };
      const run = await deps.rerun(subject.job, by);
      return { status: run.started ? "done" : "refused", result: run.summary };
    }
    const pause = PAUSE_DECISIONS[claim.kind];
    if (pause) {
      if (!deps.decidePause || !subject.serviceArn || !subject.serviceDeploymentArn || !subject.hookId)
        return { status: "refused", result: "nothing paused to act on from this message" };
      const decided = await deps.decidePause({
        serviceArn: subject.serviceArn,
        serviceDeploymentArn: subject.serviceDeploymentArn,
        hookId: subject.hookId,
        action: pause,
        now,
      });
      return { status: decided.status === "done" ? "done" : "refused", result: decided.result };
    }
    if (!deps.rollback || !subject.serviceArn || !subject.deploymentId) {
      return { status: "refused", result: "nothing to roll back from this message" };
    }
    // Plain text (the decision's reason is escaped wherever it is shown): the Slack name, else the user ID.
    const person = claim.by.name ? `@${claim.by.name}` : claim.by.id;
    const run = await deps.rollback({
      trigger: { kind: "manual", deploymentId: subject.deploymentId, by: person },
      serviceArn: subject.serviceArn,
      now: new Date(now),
    });
    const status =
      run.outcome?.status === "done" ? "done" : run.outcome?.status === "failed" ? "failed" : "refused";
    return { status, result: run.summary };
  }

  async function execute({ claimId }: ClaimRef): Promise<void> {
    const claim = await store.claimById(claimId);
    if (claim?.status !== "claimed") {
      log.warn("Slack action not executed: no open claim", { claimId, status: claim?.status });
      return;
    }
    const now = clock();
    let outcome: { status: Exclude<ClaimStatus, "claimed">; result: string };
    try {
      outcome = await act(claim, now);
    } catch (error) {
      outcome = {
        status: "failed",
        result: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
    await store.finish(claimId, outcome.status, outcome.result, clock());
    const fields = {
      action: claim.kind,
      user: claim.by.id,
      service: serviceName(claim.subject.serviceArn ?? claim.subject.job),
      deploymentId: claim.subject.deploymentId,
      status: outcome.status,
      result: outcome.result,
      channel: claim.channel,
      ts: claim.ts,
    };
    if (outcome.status === "failed") log.error("Slack action", fields);
    else log.info("Slack action", fields);
    const [, done] = VERB[claim.kind];
    // Without the clicker: the recorder mentions them (a mention is markup; everything here is escaped text).
    const text =
      outcome.status === "done"
        ? `${done} ${fields.service}: ${outcome.result}`
        : `asked to ${ASKED[claim.kind] ?? claim.kind.replace("-", " ")} ${fields.service}: ${outcome.status} — ${outcome.result}`;
    const nextButtons =
      claim.kind === "unmute"
        ? muteActions(claim.subject)
        : MUTE_MS[claim.kind] !== undefined && outcome.status === "done"
          ? [unmuteAction(claim.subject)]
          : [];
    const person = claim.by.name ? `@${claim.by.name}` : claim.by.id;
    const state = outcome.status === "done" ? PAUSE_STATE[claim.kind]?.(person) : undefined;
    // The rollback runner's own decision message is the thread's reply for a rollback.
    await deps.recorder.record(claim, {
      text,
      reply: claim.kind !== "rollback",
      nextButtons,
      ...(state ? { state } : {}),
      at: now,
    });
  }

  return { decide, execute };
}

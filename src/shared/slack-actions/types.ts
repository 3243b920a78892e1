/**
 * Slack buttons (issue 14): what a click is once Slack's signature is verified, and the ports between the
 * endpoint (verify -> parse -> acknowledge within 3 s) and the action service (authorize -> claim once ->
 * execute after the acknowledgement -> record). The button's `value` never carries authority: the action is
 * re-derived from what the state table recorded for the clicked message.
 */

export const ACTION_KINDS = [
  "rollback",
  "rerun",
  "mute-1h",
  "mute-24h",
  "unmute",
  "continue-paused",
  "rollback-paused",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Block Kit `action_id` of each button; anything else in a payload is not ours and is ignored. */
export const ACTION_IDS: Record<ActionKind, string> = {
  rollback: "ecs-sentinel.rollback",
  rerun: "ecs-sentinel.rerun",
  "mute-1h": "ecs-sentinel.mute-1h",
  "mute-24h": "ecs-sentinel.mute-24h",
  unmute: "ecs-sentinel.unmute",
  "continue-paused": "ecs-sentinel.continue-paused",
  "rollback-paused": "ecs-sentinel.rollback-paused",
};

export function actionKindOf(actionId: string): ActionKind | undefined {
  return ACTION_KINDS.find((kind) => ACTION_IDS[kind] === actionId);
}

/** One button click of a `block_actions` payload whose signature and timestamp were verified. */
export interface ClickedAction {
  kind: ActionKind;
  /** The button's `value`: an opaque reference, never trusted for what to do or to whom. */
  value?: string;
  /** The clicking user (U…). */
  userId: string;
  userName?: string;
  /** The workspace (T…) of the click: the payload's `team.id`, else `user.team_id`. */
  teamId?: string;
  /** The user's own workspace, `user.team_id`, when the payload names it. */
  userTeamId?: string;
  /** The Enterprise Grid organization (E…), `enterprise.id`, when the workspace belongs to one. */
  enterpriseId?: string;
  /** The message that carried the button: `container.channel_id` and `container.message_ts`. */
  channel: string;
  messageTs: string;
  /** Its thread's parent, when the message is a reply. */
  threadTs?: string;
  /** Slack's `response_url` for ephemeral answers to the clicker (valid 30 minutes, 5 uses). */
  responseUrl?: string;
  /** Slack's `action_ts`, for logs. */
  actionTs?: string;
}

/** What the endpoint answers the clicker at once (an ephemeral message) and whether work follows. */
export interface ActionDecision {
  /** Ephemeral text for the clicker, e.g. "Rolling back api to api:41…" or "Not allowed: …". */
  reply: string;
  /** The claim to execute after the acknowledgement; absent when nothing is to be done. */
  execute?: ClaimRef;
  /**
   * Set when the click was refused because it could not be tied to the bot's own workspace: it came from
   * another workspace or organization (or named none), or Slack could not confirm the bot's workspace. Counted
   * as a dropped click (metrics); nothing was claimed.
   */
  refused?: WorkspaceRefusal;
  /**
   * Set when the button no longer acts: its message offers no such action any more (expired, never ours, or
   * re-rendered with other buttons), or the action was already claimed (done, under way, or decided otherwise).
   * Counted as a dropped click (metrics); an approver's refusal is not stale.
   */
  stale?: true;
}

/** Why a click was refused before anything was read for it (see ActionDecision.refused). */
export type WorkspaceRefusal = "other-workspace" | "workspace-unconfirmed";

/** A claimed action, executed later by reading what the claim recorded (never the click). */
export interface ClaimRef {
  claimId: string;
}

/** Authorizes and claims a click; must answer well within Slack's 3 seconds. */
export type DecideAction = (click: ClickedAction) => Promise<ActionDecision>;

/** Runs a claimed action (after the acknowledgement: an async self-invocation, or in-process locally). */
export type ExecuteAction = (claim: ClaimRef) => Promise<void>;

/** Hands a claim to whatever runs it after the HTTP answer is sent. */
export type DeferAction = (claim: ClaimRef) => Promise<void>;

/**
 * What Slack buttons need to remember (port; DynamoDB in dynamo-store.ts, memory in memory-store.ts):
 *   offers  what each posted message's buttons act on, keyed by (channel, ts) — a click is re-derived from this,
 *           never from the button's value
 *   claims  one per (message, action; Continue and Roll back of a pause are one): the first click wins, later
 *           ones learn who did it and when
 *   mutes   a service's alerts muted until a time, by whom
 */
import { parseServiceArn } from "../events/arns.js";
import type { ActionSubject } from "../notify/message.js";
import type { ActionKind } from "./types.js";

export interface OfferRecord {
  channel: string;
  ts: string;
  actions: Array<{ kind: ActionKind; subject: ActionSubject }>;
  /** The thread the message belongs to (its key and parent), when it is in one. */
  threadKey?: string;
  parentTs?: string;
  /** The message as posted, to edit its buttons away after the action (replies; parents are re-rendered). */
  payload?: { text: string; blocks: unknown[] };
  at: number;
}

export type ClaimStatus = "claimed" | "done" | "refused" | "failed";

export interface ClaimRecord {
  /** `<channel>#<ts>#<kind or its group>#<offer time>`: one per message, decision and rendering of its buttons. */
  claimId: string;
  /** When the clicked buttons were offered: a card that shows Mute again after Unmute offers anew. */
  offerAt: number;
  channel: string;
  ts: string;
  kind: ActionKind;
  subject: ActionSubject;
  threadKey?: string;
  parentTs?: string;
  by: { id: string; name?: string };
  at: number;
  status: ClaimStatus;
  result?: string;
  finishedAt?: number;
}

export interface MuteRecord {
  until: number;
  by: string;
  at: number;
}

export interface ActionStore {
  recordOffer(offer: OfferRecord): Promise<void>;
  offer(channel: string, ts: string): Promise<OfferRecord | undefined>;
  /** The first claim of a message's action wins; a later one gets the existing claim. */
  claim(
    claim: Omit<ClaimRecord, "status" | "claimId">,
  ): Promise<{ status: "claimed"; claim: ClaimRecord } | { status: "taken"; claim: ClaimRecord }>;
  claimById(claimId: string): Promise<ClaimRecord | undefined>;
  finish(claimId: string, status: Exclude<ClaimStatus, "claimed">, result: string, at: number): Promise<void>;
  mute(serviceArn: string, mute: MuteRecord): Promise<void>;
  unmute(serviceArn: string): Promise<void>;
  mutedUntil(serviceArn: string): Promise<MuteRecord | undefined>;
  /** Finished actions of a cluster since a time, newest first (`ecs-sentinel history`). */
  recentActions(cluster: string, since: number): Promise<ClaimRecord[]>;
}

/** The cluster an action is filed under for `history`: its service's cluster; `-` for jobs. */
export function actionCluster(claim: Pick<ClaimRecord, "subject">): string {
  const arn = claim.subject.serviceArn;
  return (arn ? parseServiceArn(arn)?.cluster : undefined) ?? "-";
}

/**
 * Buttons of one message that are one decision and claim together: Continue and Roll back on a paused
 * deployment contradict each other, so the first click of either wins and the other is told who decided.
 */
const CLAIMED_TOGETHER: Partial<Record<ActionKind, string>> = {
  "continue-paused": "paused-decision",
  "rollback-paused": "paused-decision",
};

export function claimIdOf(channel: string, ts: string, kind: ActionKind, offerAt: number): string {
  return `${channel}#${ts}#${CLAIMED_TOGETHER[kind] ?? kind}#${offerAt}`;
}

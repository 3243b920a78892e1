/**
 * PURE: what a lifecycle hook call shows on its deployment's card (Slack app mode) — the stage, the traffic split
 * between the new revision and the rest, and the hook's verdict so far (baking, succeeded) — for blue/green,
 * linear and canary deployments alike.
 */
import { fact } from "../deployments/card-facts.js";
import type { Message } from "../notify/message.js";
import type { CardPatch } from "../notify/threads/types.js";
import type { HookPayload } from "./payload.js";

/** "new 10% · old 90%" from ECS's weights by service revision ARN; undefined when ECS sent none. */
export function trafficSplit(weights: Record<string, number>, targetRevision: string): string | undefined {
  const entries = Object.entries(weights).filter(([, w]) => Number.isFinite(w));
  if (entries.length === 0) return undefined;
  const target = entries.filter(([arn]) => arn === targetRevision).reduce((sum, [, w]) => sum + w, 0);
  const others = entries.filter(([arn]) => arn !== targetRevision).reduce((sum, [, w]) => sum + w, 0);
  return `new ${target}% · old ${others}%`;
}

export function hookCardPatch(
  payload: HookPayload,
  verdict: { hookStatus: string; reason: string },
  at: number,
): CardPatch {
  const facts = [{ label: "Stage", value: payload.lifecycleStage }];
  const production = trafficSplit(payload.productionTrafficWeights, payload.targetServiceRevisionArn);
  const test = trafficSplit(payload.testTrafficWeights, payload.targetServiceRevisionArn);
  if (production) facts.push({ label: "Production traffic", value: production });
  if (test) facts.push({ label: "Test traffic", value: test });
  facts.push(fact("Hook", `${verdict.hookStatus}: ${verdict.reason}`));
  return { at, facts };
}

/** The (info) message behind a card update: below Slack's minimum it only edits the card; email skips it. */
export function hookProgressMessage(
  payload: HookPayload,
  verdict: { hookStatus: string; reason: string },
): Message {
  return {
    kind: "deployment",
    severity: "info",
    category: `hook-${verdict.hookStatus.toLowerCase()}`,
    title: `deployment hook at ${payload.lifecycleStage}: ${verdict.hookStatus}`,
    cause: verdict.reason,
    evidence: [],
    remediation: [],
    facts: [],
    links: [],
  };
}

/**
 * What a stopped task of a deployment changes on the deployment's card: worked out for every stop that joins a
 * deployment's thread, so apart from the other card patches (card-patches.ts), which load with the cards.
 */
import type { Diagnosis } from "../diagnosis/types.js";
import type { CardPatch } from "../notify/threads/types.js";
import { isRollbackFailure } from "../rollback/failure-categories.js";
import { fact } from "./card-fact.js";

/** Counter label of the card's failed tasks (`CardPatch.add`). */
export const FAILED_TASKS = "Failed tasks";

/**
 * A stopped task of the deployment: a failure counts once toward "Failed tasks" and becomes the "Last failure";
 * a stop the revision is not to blame for (Spot, host, capacity) is shown as "Last stop" and not counted;
 * an expected stop (info: scale-in, replaced during the deployment, stopped by someone) changes nothing.
 */
export function stoppedTaskCardPatch(diagnosis: Diagnosis, at: number): CardPatch | undefined {
  if (diagnosis.severity === "info") return undefined;
  const text = `${diagnosis.category}: ${diagnosis.title}`;
  if (isRollbackFailure(diagnosis.category)) {
    return { at, add: { [FAILED_TASKS]: 1 }, facts: [fact("Last failure", text)] };
  }
  return { at, facts: [fact("Last stop", text)] };
}

/** How sure the engine's verdict is and what it rests on (issue 18 item 4). Pure. */
import type { Category, Confidence, EvidenceSource } from "./types.js";

/** Verdicts read from the culprit's exit code rather than from a reason ECS wrote. */
const FROM_EXIT_CODE: ReadonlySet<Category> = new Set(["app-exit", "completed"]);

/**
 * The engine only names a cause ECS itself reported (an error code, a stop reason, a stop code or an exit code),
 * so its verdicts are `certain`; `unknown` is a `guess` by definition. Log signatures raise nothing to `certain`:
 * a refinement from the log tail is `likely` (see log-signatures/refine.ts).
 */
export function engineConfidence(category: Category): {
  confidence: Confidence;
  evidenceSource: EvidenceSource;
} {
  if (category === "unknown") return { confidence: "guess", evidenceSource: "ecs" };
  return { confidence: "certain", evidenceSource: FROM_EXIT_CODE.has(category) ? "exit-code" : "ecs" };
}

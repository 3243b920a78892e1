/** Stopped-task diagnosis: public entry point. Pure (no AWS, no I/O, no clock). */
import type { EcsTask } from "../events/schemas.js";
import { diagnose } from "./engine.js";
import type { Diagnosis, DiagnosisContext } from "./types.js";

export * from "./types.js";

/** Diagnoses why an ECS task stopped (or is about to: the Spot notice). Exactly one category per task. */
export function diagnoseTask(task: EcsTask, context?: DiagnosisContext): Diagnosis {
  return diagnose(task, context);
}

/** Tasks that parse, from both sources: generated from the schema's fields, and mutated real task events. */
import fc from "fast-check";
import { type EcsTask, parseEcsEvent, parseTask } from "../../src/shared/events/index.js";
import { rawTaskArb, type TaskArbOptions } from "./arbitraries.js";
import { TASK_EVENTS } from "./fixtures.js";
import { mutatedEventArb } from "./mutations.js";

/** The task of a mutated event, or undefined when the event no longer parses as a task event. */
function taskOf(event: unknown): EcsTask | undefined {
  try {
    const parsed = parseEcsEvent(event);
    return parsed["detail-type"] === "ECS Task State Change" ? parsed.detail : undefined;
  } catch {
    // Not a task any more (EventParseError), or known finding F1: either way there is nothing to diagnose.
    return undefined;
  }
}

export function mutatedTaskArb(options: { huge?: boolean } = {}): fc.Arbitrary<EcsTask> {
  return mutatedEventArb({ from: TASK_EVENTS, huge: options.huge ?? false })
    .map(({ event }) => taskOf(event))
    .filter((task): task is EcsTask => task !== undefined);
}

export function generatedTaskArb(options: TaskArbOptions = {}): fc.Arbitrary<EcsTask> {
  return rawTaskArb(options).map((raw) => parseTask(raw));
}

export function parsedTaskArb(options: { huge?: boolean } = {}): fc.Arbitrary<EcsTask> {
  return fc.oneof(generatedTaskArb(), mutatedTaskArb(options));
}

/**
 * Turns what a person feeds `diagnose` into tasks: an EventBridge event, a bare task (`detail`),
 * a DescribeTasks response (`{"tasks": [...]}`), a JSON array of these, or JSON Lines of them.
 */
import { DETAIL_TYPES, type EcsTask, EventParseError, parseTask } from "../shared/events/index.js";

export class InputError extends Error {
  override readonly name = "InputError";
}

export interface TaskInput {
  task: EcsTask;
  /** Where it came from, e.g. `events.json[2].tasks[0]`, for error messages. */
  origin: string;
}

export function parseJsonDocuments(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new InputError("empty input");
  try {
    return [JSON.parse(trimmed)];
  } catch (wholeError) {
    // JSON Lines: every non-empty line a document.
    const lines = trimmed.split(/\r?\n/).filter((line) => line.trim());
    if (lines.length < 2) throw new InputError(`not JSON: ${(wholeError as Error).message}`);
    return lines.map((line, i) => {
      try {
        return JSON.parse(line);
      } catch (lineError) {
        throw new InputError(`line ${i + 1} is not JSON: ${(lineError as Error).message}`);
      }
    });
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type TaskOrProblem = TaskInput | { problem: string; origin: string };

/**
 * Extracts tasks from one parsed document. A bad element does not spoil its neighbours: it becomes a
 * problem entry naming its path, and the rest are still diagnosed.
 */
export function tasksFromDocument(doc: unknown, origin: string): TaskOrProblem[] {
  if (Array.isArray(doc)) return doc.flatMap((item, i) => tasksFromDocument(item, `${origin}[${i}]`));
  try {
    if (!isObject(doc))
      throw new InputError(`${origin || "input"}: expected an object or an array, got ${typeof doc}`);
    if ("detail-type" in doc) {
      if (doc["detail-type"] !== DETAIL_TYPES.task) {
        throw new InputError(
          `${origin || "input"}: "${String(doc["detail-type"])}" is not an ECS Task State Change event`,
        );
      }
      return [{ task: parseTask(doc.detail, `${origin}${origin ? "." : ""}detail`), origin }];
    }
    if (Array.isArray(doc.tasks)) {
      return doc.tasks.flatMap((task, i) =>
        tasksFromDocument(task, `${origin}${origin ? "." : ""}tasks[${i}]`),
      );
    }
    if ("taskArn" in doc) return [{ task: parseTask(doc, origin), origin }];
    throw new InputError(
      `${origin || "input"}: not a task event, a task or a DescribeTasks response (no "detail-type", "tasks" or "taskArn")`,
    );
  } catch (error) {
    return [{ problem: describeInputProblem(error), origin }];
  }
}

/** One-line, stack-free description of why an input was rejected. */
export function describeInputProblem(error: unknown): string {
  if (error instanceof InputError || error instanceof EventParseError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "is a directory, not a file";
  if (code === "EACCES") return "permission denied";
  if (error instanceof Error) return error.message;
  return String(error);
}

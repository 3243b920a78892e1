/**
 * Turns what a person feeds `diagnose` into tasks: an EventBridge event, a bare task (`detail`),
 * a DescribeTasks response (`{"tasks": [...], "failures": [...]}`), a JSON array of these, or JSON Lines of them.
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

/** A DescribeTasks failure: ECS could not describe this task (MISSING: it forgot it, about an hour after it stopped). */
export interface DescribeFailure {
  arn?: string;
  reason: string;
  detail?: string;
}

export interface FailureInput {
  failure: DescribeFailure;
  origin: string;
}

export type TaskOrProblem = TaskInput | FailureInput | { problem: string; origin: string };

const optionalString = (value: unknown) => (typeof value === "string" && value ? value : undefined);

/** One entry of DescribeTasks `failures[]`: {"arn": "...", "reason": "MISSING", "detail": "..."}. */
export function parseFailure(value: unknown, origin: string): DescribeFailure {
  if (!isObject(value)) throw new InputError(`${origin}: expected a DescribeTasks failure object`);
  for (const key of ["arn", "reason", "detail"] as const) {
    if (value[key] !== undefined && value[key] !== null && typeof value[key] !== "string")
      throw new InputError(`${origin}.${key}: expected a string`);
  }
  const failure: DescribeFailure = { reason: optionalString(value.reason) ?? "unknown" };
  const arn = optionalString(value.arn);
  const detail = optionalString(value.detail);
  if (arn) failure.arn = arn;
  if (detail) failure.detail = detail;
  return failure;
}

function describeTasksResponse(doc: Record<string, unknown>, origin: string): TaskOrProblem[] {
  const at = (key: string, i: number) => `${origin}${origin ? "." : ""}${key}[${i}]`;
  const tasks = Array.isArray(doc.tasks) ? doc.tasks : [];
  const failures = Array.isArray(doc.failures) ? doc.failures : [];
  return [
    ...tasks.flatMap((task, i) => tasksFromDocument(task, at("tasks", i))),
    ...failures.map((failure, i): TaskOrProblem => {
      try {
        return { failure: parseFailure(failure, at("failures", i)), origin: at("failures", i) };
      } catch (error) {
        return { problem: describeInputProblem(error), origin: at("failures", i) };
      }
    }),
  ];
}

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
    if (Array.isArray(doc.tasks) || Array.isArray(doc.failures)) return describeTasksResponse(doc, origin);
    if ("taskArn" in doc) return [{ task: parseTask(doc, origin), origin }];
    throw new InputError(
      `${origin || "input"}: not a task event, a task or a DescribeTasks response (no "detail-type", "tasks", "failures" or "taskArn")`,
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

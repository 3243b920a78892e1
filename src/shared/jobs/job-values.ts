/** The readers of jobs.yml values every field's validation shares: each reports a problem by field name. */
import { parseDuration } from "./duration.js";
import { type FieldDef, fieldNames } from "./job-fields.js";
import { unknownFieldProblem } from "./suggest.js";

export type Report = (field: string, problem: string) => void;
export type Raw = Record<string, unknown>;

export function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Reports every key of `raw` that `fields` does not define, with the nearest known name. */
export function unknownKeys(raw: Raw, fields: readonly FieldDef[], field: string, report: Report): void {
  const allowed = fieldNames(fields);
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) report(field ? `${field}.${key}` : key, unknownFieldProblem(key, allowed));
  }
}

export function text(value: unknown, field: string, report: Report, required = false): string | undefined {
  if (value === undefined || value === null) {
    if (required) report(field, "is required");
    return undefined;
  }
  if (typeof value !== "string" || value.trim() === "") {
    report(field, `must be a non-empty string, got ${describe(value)}`);
    return undefined;
  }
  return value.trim();
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  report: Report,
): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  report(field, `must be one of ${allowed.join(", ")}, got ${describe(value)}`);
  return undefined;
}

export function positiveInteger(value: unknown, field: string, report: Report, min = 1, max = 1_000_000) {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  report(field, `must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  return undefined;
}

export function duration(value: unknown, field: string, report: Report): number | undefined {
  if (value === undefined || value === null) return undefined;
  const seconds = typeof value === "string" ? parseDuration(value) : undefined;
  if (seconds === undefined)
    report(field, `must be a duration like "30m", "2h" or "1h30m", got ${describe(value)}`);
  return seconds;
}

export function stringList(value: unknown, field: string, report: Report): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    report(field, `must be a non-empty list of strings, got ${describe(value)}`);
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    const s = text(item, `${field}[${i}]`, report);
    if (s !== undefined) out.push(s);
  });
  return out.length === value.length ? out : undefined;
}

/** Scalars are accepted and turned to strings: YAML reads `PORT: 8080` and `DEBUG: true` as non-strings. */
export function stringMap(value: unknown, field: string, report: Report): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    report(field, `must be a mapping of names to values, got ${describe(value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === "string" || typeof item === "number" || typeof item === "boolean") {
      // defineProperty: a variable named "__proto__" is a value, not the map's prototype.
      Object.defineProperty(out, key, {
        value: String(item),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      report(`${field}.${key}`, `must be a string, number or boolean, got ${describe(item)}`);
    }
  }
  return out;
}

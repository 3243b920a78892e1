/**
 * EventBridge pattern matching, for the operators ecs-sentinel's patterns use: exact values, `prefix`, `suffix` and
 * `wildcard` (`*` matches any characters). A field of the pattern must exist in the event; an array in the event
 * matches when any of its values matches any of the pattern's.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */

export class UnsupportedPatternError extends Error {
  override readonly name = "UnsupportedPatternError";
}

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (typeof matcher !== "object" || matcher === null) return matcher === value;
  if (typeof value !== "string") return false;
  const [operator, operand] = Object.entries(matcher)[0] ?? [];
  if (typeof operand !== "string") throw new UnsupportedPatternError(JSON.stringify(matcher));
  switch (operator) {
    case "prefix":
      return value.startsWith(operand);
    case "suffix":
      return value.endsWith(operand);
    case "wildcard":
      return new RegExp(`^${operand.split("*").map(escapeRegExp).join(".*")}$`).test(value);
    default:
      throw new UnsupportedPatternError(JSON.stringify(matcher));
  }
}

export function matchesPattern(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (actual === undefined) return false;
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => expected.some((matcher) => matchesValue(matcher, value)));
    }
    if (typeof expected !== "object" || expected === null || typeof actual !== "object" || actual === null) {
      return false;
    }
    return matchesPattern(expected as Record<string, unknown>, actual as Record<string, unknown>);
  });
}

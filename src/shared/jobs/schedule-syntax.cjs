"use strict";
/**
 * The syntax rules of a job's name, schedule expression and time zone, as EventBridge Scheduler accepts them.
 *
 * CommonJS on purpose: `infra/schedules.cjs` runs inside the Serverless Framework (plain `require`, no
 * TypeScript) and the TypeScript jobs file parser imports the same file, so a schedule that deploys is a
 * schedule that validates, with one source of truth. Pure: no I/O, no dependencies.
 * Every check returns `{ ok: true, value }` or `{ ok: false, problem }`; the callers add the job and field.
 */

const JOB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function checkJobName(name) {
  if (typeof name !== "string" || name.length === 0) return { ok: false, problem: "is required" };
  if (name.length > 64) return { ok: false, problem: `"${name}" is longer than 64 characters` };
  if (!JOB_NAME_PATTERN.test(name)) {
    return { ok: false, problem: `"${name}" may only contain letters, digits, "-" and "_"` };
  }
  return { ok: true, value: name };
}

function checkTimeZone(timeZone) {
  if (typeof timeZone !== "string" || timeZone.length === 0) {
    return { ok: false, problem: "must be an IANA time zone name" };
  }
  try {
    // Intl is the runtime's own tz database: what it rejects, croner cannot schedule either.
    new Intl.DateTimeFormat("en-US", { timeZone });
    return { ok: true, value: timeZone };
  } catch {
    return { ok: false, problem: `unknown time zone "${timeZone}"` };
  }
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The six fields of an AWS cron expression, in order, with what each accepts. */
const CRON_FIELDS = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, question: true },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: WEEKDAYS, question: true },
  { name: "year", min: 1970, max: 2199 },
];

function fieldValue(text, field) {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= field.min && n <= field.max ? n : undefined;
  }
  if (field.names) {
    const index = field.names.indexOf(text.toUpperCase());
    return index >= 0 ? index + field.min : undefined;
  }
  return undefined;
}

/** One comma-separated item of a field: `*`, `v`, `v-w`, each optionally `/step`. */
function checkRangeItem(item, field) {
  const [range, step, extra] = item.split("/");
  if (extra !== undefined || range === undefined || range === "") return `"${item}" is not a value or range`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `"${item}" has an invalid step`;
  if (range === "*") return undefined;
  const bounds = range.split("-");
  if (bounds.length > 2) return `"${item}" is not a value or range`;
  const values = bounds.map((bound) => fieldValue(bound, field));
  if (values.some((v) => v === undefined)) {
    return `"${item}" is outside ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ""}`;
  }
  if (values.length === 2 && values[0] > values[1]) return `range "${range}" runs backwards`;
  return undefined;
}

function checkDayOfMonthItem(item, field) {
  if (item === "L" || item === "LW") return undefined;
  const weekday = /^(\d+)W$/.exec(item);
  if (weekday) return fieldValue(weekday[1], field) === undefined ? `"${item}" is outside 1-31` : undefined;
  return checkRangeItem(item, field);
}

function checkDayOfWeekItem(item, field) {
  if (item === "L") return undefined;
  const last = /^([A-Za-z0-9]+)L$/.exec(item);
  if (last) return fieldValue(last[1], field) === undefined ? `"${item}" names no weekday` : undefined;
  const nth = /^([A-Za-z0-9]+)#(\d+)$/.exec(item);
  if (nth) {
    if (fieldValue(nth[1], field) === undefined) return `"${item}" names no weekday`;
    const n = Number(nth[2]);
    return n >= 1 && n <= 5 ? undefined : `"${item}": the occurrence after # must be 1-5`;
  }
  return checkRangeItem(item, field);
}

function checkCronField(text, field) {
  if (text === "?") return field.question ? undefined : `"?" is only allowed in day-of-month and day-of-week`;
  const items = text.split(",");
  if (field.name === "day-of-week" && text.includes("#") && items.length > 1) {
    return `"${text}": a "#" expression must stand alone`;
  }
  for (const item of items) {
    const problem =
      field.name === "day-of-month"
        ? checkDayOfMonthItem(item, field)
        : field.name === "day-of-week"
          ? checkDayOfWeekItem(item, field)
          : checkRangeItem(item, field);
    if (problem) return problem;
  }
  return undefined;
}

function checkCron(body, expression) {
  const fields = body.trim().split(/\s+/);
  const invalid = (detail) => ({ ok: false, problem: `invalid cron expression "${body}": ${detail}` });
  if (fields.length !== 6) {
    return invalid(
      `expected 6 fields (minutes hours day-of-month month day-of-week year), got ${body.trim() ? fields.length : 0}`,
    );
  }
  for (let i = 0; i < 6; i++) {
    const problem = checkCronField(fields[i], CRON_FIELDS[i]);
    if (problem) return invalid(`${CRON_FIELDS[i].name}: ${problem}`);
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return invalid('exactly one of day-of-month and day-of-week must be "?"');
  }
  return { ok: true, value: { kind: "cron", expression, fields } };
}

const RATE_UNITS = { minute: 60, hour: 3600, day: 86400 };

function checkRate(body, expression) {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!match)
    return { ok: false, problem: `invalid rate expression "${body}": expected "VALUE minutes|hours|days"` };
  const value = Number(match[1]);
  const unit = match[2];
  if (value < 1)
    return { ok: false, problem: `invalid rate expression "${body}": the value must be at least 1` };
  const singular = !unit.endsWith("s");
  if (singular !== (value === 1)) {
    return {
      ok: false,
      problem: `invalid rate expression "${body}": use "${value === 1 ? unit.replace(/s$/, "") : `${unit}s`}" with ${value}`,
    };
  }
  const seconds = value * RATE_UNITS[unit.replace(/s$/, "")];
  return { ok: true, value: { kind: "rate", expression, value, unit, seconds } };
}

function checkAt(body, expression) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body.trim());
  const invalid = { ok: false, problem: `invalid at expression "${body}": expected yyyy-mm-ddThh:mm:ss` };
  if (!match) return invalid;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const sameFields =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  if (!sameFields) return invalid;
  return { ok: true, value: { kind: "at", expression, localTime: body.trim() } };
}

/** Parses `cron(...)`, `rate(...)` or `at(...)` in EventBridge Scheduler syntax. */
function parseScheduleExpression(expression) {
  if (typeof expression !== "string")
    return { ok: false, problem: "must be cron(...), rate(...) or at(...)" };
  const match = /^(cron|rate|at)\((.*)\)$/.exec(expression.trim());
  if (!match) {
    return { ok: false, problem: `"${expression}" must be cron(...), rate(...) or at(...)` };
  }
  const [, kind, body] = match;
  const canonical = expression.trim();
  if (kind === "cron") return checkCron(body, canonical);
  if (kind === "rate") return checkRate(body, canonical);
  return checkAt(body, canonical);
}

module.exports = { JOB_NAME_PATTERN, checkJobName, checkTimeZone, parseScheduleExpression };

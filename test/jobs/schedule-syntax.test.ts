import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/shared/jobs/duration.js";
import {
  checkJobName,
  checkTimeZone,
  parseScheduleExpression,
} from "../../src/shared/jobs/schedule-syntax.cjs";

describe("parseScheduleExpression", () => {
  it.each([
    "cron(0 3 * * ? *)",
    "cron(15 10 ? * 6L 2026-2030)",
    "cron(0/15 8-17 ? * MON-FRI *)",
    "cron(0 18 ? * mon-fri *)",
    "cron(0 12 L * ? *)",
    "cron(0 12 15W * ? *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(5,35 14 * JAN,JUL ? *)",
    "cron(*/10 * * * ? 2199)",
  ])("accepts the AWS cron expression %s", (expression) => {
    const result = parseScheduleExpression(expression);

    expect(result).toEqual({ ok: true, value: expect.objectContaining({ kind: "cron", expression }) });
  });

  it.each([
    ["cron(0 3 * *)", 'invalid cron expression "0 3 * *": expected 6 fields'],
    ["cron(0 3 * * * *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(0 3 ? * ? *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(60 3 * * ? *)", 'minutes: "60" is outside 0-59'],
    ["cron(0 24 * * ? *)", 'hours: "24" is outside 0-23'],
    ["cron(0 3 32 * ? *)", 'day-of-month: "32" is outside 1-31'],
    ["cron(0 3 * 13 ? *)", 'month: "13" is outside 1-12'],
    ["cron(0 3 ? * 0 *)", 'day-of-week: "0" is outside 1-7'],
    ["cron(0 3 ? * FRIDAY *)", "day-of-week"],
    ["cron(0 3 * * ? 1969)", 'year: "1969" is outside 1970-2199'],
    ["cron(0 ? * * ? *)", 'hours: "?" is only allowed in day-of-month and day-of-week'],
    ["cron(0 3 ? * 3#1,6#3 *)", 'a "#" expression must stand alone'],
    ["cron(0 3 ? * 2#6 *)", "the occurrence after # must be 1-5"],
    ["cron(0 17-9 * * ? *)", 'range "17-9" runs backwards'],
    ["cron(0/0 3 * * ? *)", "invalid step"],
  ])("rejects %s, saying %s", (expression, problem) => {
    const result = parseScheduleExpression(expression);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toContain(problem);
  });

  it.each([
    ["rate(1 minute)", 60],
    ["rate(5 minutes)", 300],
    ["rate(1 hour)", 3600],
    ["rate(12 hours)", 43200],
    ["rate(2 days)", 172800],
  ])("reads %s as every %i seconds", (expression, seconds) => {
    const result = parseScheduleExpression(expression);

    expect(result).toEqual({ ok: true, value: expect.objectContaining({ kind: "rate", seconds }) });
  });

  it.each([
    ["rate(5 minute)", 'use "minutes" with 5'],
    ["rate(1 hours)", 'use "hour" with 1'],
    ["rate(0 minutes)", "at least 1"],
    ["rate(5 weeks)", "expected"],
    ["rate(minutes)", "expected"],
  ])("rejects %s, saying %s", (expression, problem) => {
    const result = parseScheduleExpression(expression);

    expect(!result.ok && result.problem).toContain(problem);
  });

  it("reads an at expression as a wall-clock time", () => {
    const result = parseScheduleExpression("at(2026-02-01T22:00:00)");

    expect(result).toEqual({
      ok: true,
      value: { kind: "at", expression: "at(2026-02-01T22:00:00)", localTime: "2026-02-01T22:00:00" },
    });
  });

  it.each(["at(2026-02-30T22:00:00)", "at(2026-02-01 22:00)", "at(2026-02-01T25:00:00)"])(
    "rejects the impossible or malformed time %s",
    (expression) => {
      const result = parseScheduleExpression(expression);

      expect(!result.ok && result.problem).toContain("expected yyyy-mm-ddThh:mm:ss");
    },
  );

  it.each(["0 3 * * ? *", "every day", "cron 0 3 * * ? *", ""])(
    "rejects %j without a cron/rate/at wrapper",
    (text) => {
      const result = parseScheduleExpression(text);

      expect(!result.ok && result.problem).toContain("must be cron(...), rate(...) or at(...)");
    },
  );
});

describe("checkJobName and checkTimeZone", () => {
  it("accepts letters, digits, dashes and underscores up to 64 characters", () => {
    expect(checkJobName(`Nightly_migration-${"x".repeat(46)}`).ok).toBe(true);
  });

  it.each([
    ["nightly migration", "may only contain"],
    ["x".repeat(65), "longer than 64"],
    ["", "is required"],
    [42, "is required"],
  ])("rejects the name %j", (name, problem) => {
    const result = checkJobName(name);

    expect(!result.ok && result.problem).toContain(problem);
  });

  it("accepts IANA zones and rejects unknown ones", () => {
    expect(checkTimeZone("Europe/Berlin").ok).toBe(true);
    expect(checkTimeZone("America/Argentina/Buenos_Aires").ok).toBe(true);
    expect(checkTimeZone("Mars/Olympus_Mons")).toEqual({
      ok: false,
      problem: 'unknown time zone "Mars/Olympus_Mons"',
    });
  });
});

describe("durations", () => {
  it.each([
    ["2h", 7200],
    ["30m", 1800],
    ["1h30m", 5400],
    ["90s", 90],
    ["1d", 86400],
  ])("reads %s as %i seconds and writes it back", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
    expect(parseDuration(formatDuration(seconds))).toBe(seconds);
  });

  it.each(["2 hours", "0m", "h", "-5m", ""])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

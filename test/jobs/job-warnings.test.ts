import { describe, expect, it } from "vitest";
import { zoneTransitions } from "../../src/shared/jobs/dst.js";
import { checkJobsText } from "../../src/shared/jobs/jobs-check.js";

/** A fixed "now", so no test depends on today's date: mid-January 2027, before both 2027 Berlin changes. */
const NOW = new Date("2027-01-15T09:00:00Z");

function fileWith(schedule: string, timezone?: string): string {
  const zone = timezone ? `, timezone: ${timezone}` : "";
  return `jobs:\n  - { name: nightly, schedule: "${schedule}"${zone}, cluster: c, taskDefinition: t }\n`;
}

function warningsOf(schedule: string, timezone?: string, now = NOW): string[] {
  const check = checkJobsText(fileWith(schedule, timezone), "jobs.yml", now);
  expect(check.errors).toEqual([]);
  return check.warnings;
}

describe("daylight-saving warnings", () => {
  it("warns once about a Berlin 02:30 job: skipped on 28 March, run only once on 31 October", () => {
    const warnings = warningsOf("cron(30 2 * * ? *)", "Europe/Berlin");

    expect(warnings).toEqual([
      'jobs.yml: job "nightly": schedule: runs at 02:30 Europe/Berlin: ' +
        "on 2027-03-28 that time does not exist (clocks go 02:00→03:00) and EventBridge Scheduler skips that run; " +
        "on 2027-10-31 that time occurs twice (clocks go 03:00→02:00) and EventBridge Scheduler runs it only once; " +
        "pick a time outside 02:00–03:00 or use UTC",
    ]);
  });

  it("warns about an hourly cron in a zone with daylight saving", () => {
    const [warning] = warningsOf("cron(30 * * * ? *)", "Europe/Berlin");

    expect(warning).toContain("runs at 02:30 Europe/Berlin: on 2027-03-28 that time does not exist");
    expect(warning).toContain("on 2027-10-31 that time occurs twice");
  });

  it("lists a frequent cron's affected times as a range per change", () => {
    const [warning] = warningsOf("cron(*/5 * * * ? *)", "America/New_York");

    expect(warning).toContain(
      "on 2027-03-14 02:00 to 02:55 (12 times) does not exist (clocks go 02:00→03:00)",
    );
    expect(warning).toContain("on 2027-11-07 01:00 to 01:55 (12 times) occurs twice (clocks go 02:00→01:00)");
  });

  it("knows the southern hemisphere changes the other way round", () => {
    const [warning] = warningsOf("cron(30 2 ? * SUN *)", "Australia/Sydney");

    expect(warning).toContain("on 2027-04-04 that time occurs twice (clocks go 03:00→02:00)");
    expect(warning).toContain("on 2027-10-03 that time does not exist (clocks go 02:00→03:00)");
  });

  it.each([
    ["a time outside the change", "cron(0 3 * * ? *)", "Europe/Berlin"],
    ["a day without a change", "cron(30 2 ? * MON-FRI *)", "Europe/Berlin"],
    ["UTC", "cron(30 2 * * ? *)", undefined],
    ["a zone without daylight saving", "cron(30 2 * * ? *)", "Asia/Tokyo"],
    ["a rate schedule", "rate(1 hour)", "Europe/Berlin"],
  ])("does not warn about %s", (_, schedule, zone) => {
    expect(warningsOf(schedule, zone)).toEqual([]);
  });

  it("looks only a year ahead of the given time", () => {
    const afterOctober = new Date("2027-11-01T00:00:00Z");

    const [warning] = warningsOf("cron(30 2 * * ? 2027)", "Europe/Berlin", afterOctober);

    expect(warning).toBeUndefined();
  });

  it("finds each offset change to the minute", () => {
    const changes = zoneTransitions("Europe/Berlin", NOW, new Date("2028-01-15T00:00:00Z"));

    expect(changes).toEqual([
      { at: new Date("2027-03-28T01:00:00Z"), before: 60, after: 120 },
      { at: new Date("2027-10-31T01:00:00Z"), before: 120, after: 60 },
    ]);
  });
});

describe("schedules that never run", () => {
  it.each([
    ["a past year", "cron(0 3 * * ? 2026)"],
    ["a day that does not exist", "cron(0 3 31 2 ? *)"],
  ])("warns about a cron with %s", (_, schedule) => {
    expect(warningsOf(schedule, "Europe/Berlin")).toEqual([
      `jobs.yml: job "nightly": schedule: ${schedule} has no run after now, so the schedule will never run`,
    ]);
  });
});

describe("one-time schedule warnings", () => {
  it("warns when at() is already past: the schedule would never run", () => {
    const warnings = warningsOf("at(2026-12-24T18:00:00)", "Europe/Berlin");

    expect(warnings).toEqual([
      'jobs.yml: job "nightly": schedule: at(2026-12-24T18:00:00) is in the past (2026-12-24T18:00:00+01:00), ' +
        "so the schedule will never run; set a future time or remove the job",
    ]);
  });

  it("reads at() in the job's time zone when deciding whether it is past", () => {
    // 09:30 in Tokyo on 15 January is 00:30 UTC: past at 09:00 UTC. The same wall time in UTC is still ahead.
    expect(warningsOf("at(2027-01-15T09:30:00)", "Asia/Tokyo")).toHaveLength(1);
    expect(warningsOf("at(2027-01-15T09:30:00)")).toEqual([]);
  });

  it("warns when at() names a local time that does not exist", () => {
    expect(warningsOf("at(2027-03-28T02:30:00)", "Europe/Berlin")).toEqual([
      'jobs.yml: job "nightly": schedule: 2027-03-28T02:30:00 does not exist in Europe/Berlin ' +
        "(on 2027-03-28 clocks go 02:00→03:00); pick a time outside 02:00–03:00",
    ]);
  });

  it("warns when at() names a local time that occurs twice", () => {
    const [warning] = warningsOf("at(2027-10-31T02:30:00)", "Europe/Berlin");

    expect(warning).toContain(
      "2027-10-31T02:30:00 occurs twice in Europe/Berlin (on 2027-10-31 clocks go 03:00→02:00)",
    );
  });

  it("does not warn about a future at() outside any change", () => {
    expect(warningsOf("at(2027-02-01T22:00:00)", "Europe/Berlin")).toEqual([]);
  });
});

describe("checkJobsText", () => {
  it("reports the errors of a file and still warns about its valid jobs", () => {
    const text = [
      "jobs:",
      "  - { name: nightly, schedule: cron(30 2 * * ? *), timezone: Europe/Berlin, cluster: c, taskDefinition: t }",
      "  - { name: broken, schedule: rate(1 hour), cluster: c, taskDefinition: t, maxRuntim: 1h }",
    ].join("\n");

    const check = checkJobsText(text, "jobs.yml", NOW);

    expect(check.file).toBeUndefined();
    expect(check.errors).toEqual([
      'jobs.yml: job "broken": maxRuntim: unknown field; did you mean "maxRuntime"?',
    ]);
    expect(check.warnings).toEqual([expect.stringContaining('job "nightly": schedule: runs at 02:30')]);
  });

  it("reports every YAML syntax error with its line and column", () => {
    const check = checkJobsText("jobs:\n  - name: a\n    name: b\n  - [\n", "jobs.yml", NOW);

    expect(check.errors.length).toBeGreaterThanOrEqual(2);
    expect(check.errors[0]).toMatch(/^jobs\.yml: Map keys must be unique at line 3, column 5/);
    expect(check.errors.slice(1).join("\n")).toMatch(/line \d+, column \d+/);
  });
});

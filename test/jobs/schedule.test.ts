import { describe, expect, it } from "vitest";
import { atInstant, formatInZone, nextRuns, previousOccurrence } from "../../src/shared/jobs/schedule.js";
import { makeJob, schedule } from "./fixtures.js";

const iso = (dates: { at: Date }[]) => dates.map((run) => run.at.toISOString());

describe("nextRuns", () => {
  it("follows the job's time zone across the spring DST change", () => {
    const job = makeJob({ schedule: schedule("cron(0 3 * * ? *)"), timezone: "Europe/Berlin" });

    const runs = nextRuns(job, 3, new Date("2025-03-28T12:00:00Z"));

    expect(iso(runs)).toEqual([
      "2025-03-29T02:00:00.000Z",
      "2025-03-30T01:00:00.000Z",
      "2025-03-31T01:00:00.000Z",
    ]);
    expect(runs.map((run) => run.local)).toEqual([
      "2025-03-29T03:00:00+01:00",
      "2025-03-30T03:00:00+02:00",
      "2025-03-31T03:00:00+02:00",
    ]);
  });

  it("reads day-of-week 1-7 as Sunday-Saturday, as AWS does", () => {
    const job = makeJob({ schedule: schedule("cron(0 18 ? * 2-6 *)") });

    const days = nextRuns(job, 5, new Date("2025-03-28T19:00:00Z")).map((run) => run.at.getUTCDay());

    expect(days).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads 6L as the last Friday of the month", () => {
    const job = makeJob({ schedule: schedule("cron(0 12 ? * 6L *)") });

    expect(iso(nextRuns(job, 2, new Date("2025-03-01T00:00:00Z")))).toEqual([
      "2025-03-28T12:00:00.000Z",
      "2025-04-25T12:00:00.000Z",
    ]);
  });

  it("honours the year field", () => {
    const job = makeJob({ schedule: schedule("cron(0 12 15 * ? 2027)") });

    expect(iso(nextRuns(job, 1, new Date("2025-03-01T00:00:00Z")))).toEqual(["2027-01-15T12:00:00.000Z"]);
  });

  it("steps a start/increment minute field like 1/10", () => {
    const job = makeJob({ schedule: schedule("cron(1/10 * * * ? *)") });

    expect(iso(nextRuns(job, 3, new Date("2025-03-01T00:00:00Z")))).toEqual([
      "2025-03-01T00:01:00.000Z",
      "2025-03-01T00:11:00.000Z",
      "2025-03-01T00:21:00.000Z",
    ]);
  });

  it("places a one-time at schedule in the job's zone and drops it once past", () => {
    const job = makeJob({ schedule: schedule("at(2026-02-01T22:00:00)"), timezone: "Europe/Berlin" });

    expect(iso(nextRuns(job, 3, new Date("2026-01-01T00:00:00Z")))).toEqual(["2026-02-01T21:00:00.000Z"]);
    expect(nextRuns(job, 3, new Date("2026-02-02T00:00:00Z"))).toEqual([]);
  });

  it("counts rate schedules from the last run when given, else from now", () => {
    const job = makeJob({ schedule: schedule("rate(15 minutes)") });
    const from = new Date("2025-03-01T10:07:00Z");

    expect(iso(nextRuns(job, 2, from, new Date("2025-03-01T10:00:00Z")))).toEqual([
      "2025-03-01T10:15:00.000Z",
      "2025-03-01T10:30:00.000Z",
    ]);
    expect(iso(nextRuns(job, 1, from))).toEqual(["2025-03-01T10:22:00.000Z"]);
  });

  it("lists nothing for a disabled job", () => {
    expect(nextRuns(makeJob({ enabled: false }), 3, new Date())).toEqual([]);
  });
});

describe("previousOccurrence", () => {
  it("returns the latest cron occurrence at or before the time", () => {
    const job = makeJob({ schedule: schedule("cron(0 3 * * ? *)"), timezone: "Europe/Berlin" });

    expect(previousOccurrence(job, new Date("2025-03-10T02:00:00Z"))?.toISOString()).toBe(
      "2025-03-10T02:00:00.000Z",
    );
    expect(previousOccurrence(job, new Date("2025-03-10T01:59:59Z"))?.toISOString()).toBe(
      "2025-03-09T02:00:00.000Z",
    );
  });

  it("returns an at time only once it has passed, and nothing for rates", () => {
    const at = makeJob({ schedule: schedule("at(2026-02-01T22:00:00)") });

    expect(previousOccurrence(at, new Date("2026-02-01T21:59:00Z"))).toBeUndefined();
    expect(previousOccurrence(at, new Date("2026-02-02T00:00:00Z"))?.toISOString()).toBe(
      "2026-02-01T22:00:00.000Z",
    );
    expect(previousOccurrence(makeJob({ schedule: schedule("rate(1 hour)") }), new Date())).toBeUndefined();
  });
});

describe("time zone helpers", () => {
  it("formats an instant with the zone's offset", () => {
    expect(formatInZone(new Date("2025-07-01T10:00:00Z"), "America/New_York")).toBe(
      "2025-07-01T06:00:00-04:00",
    );
    expect(formatInZone(new Date("2025-07-01T10:00:00Z"), "UTC")).toBe("2025-07-01T10:00:00+00:00");
  });

  it("converts an at wall-clock time to an instant", () => {
    expect(atInstant("2025-07-01T06:00:00", "America/New_York").toISOString()).toBe(
      "2025-07-01T10:00:00.000Z",
    );
  });
});

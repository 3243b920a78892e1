import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { shouldEnrich } from "../../src/shared/enrich/call-counter.js";
import {
  distinctTasks,
  formatWindow,
  type HistoryStop,
  historyKeys,
  historyLine,
  InvalidSinceError,
  ordinal,
  parseSince,
  stopFromDiagnosis,
  summarizeHistory,
} from "../../src/shared/enrich/history.js";

const CLUSTER_ARN = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
const NOW = Date.parse("2024-05-02T10:00:00Z");

function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    taskArn: "arn:aws:ecs:eu-west-1:123456789012:task/prod/current",
    clusterArn: CLUSTER_ARN,
    group: "service:api",
    service: "api",
    category: "out-of-memory",
    subCause: "container-oom-killed",
    severity: "critical",
    title: "Container `web` ran out of memory",
    summary: "",
    evidence: [],
    remediation: [],
    docs: [],
    stoppedAt: "2024-05-02T09:58:00Z",
    culprit: { name: "web", exitCode: 137 },
    ...overrides,
  };
}

function stop(stoppedAt: string, overrides: Partial<HistoryStop> = {}): HistoryStop {
  return {
    cluster: "prod",
    group: "service:api",
    taskArn: `arn:aws:ecs:eu-west-1:123456789012:task/prod/${stoppedAt}`,
    taskId: stoppedAt,
    stoppedAt,
    category: "out-of-memory",
    subCause: "container-oom-killed",
    severity: "critical",
    title: "Container `web` ran out of memory",
    ...overrides,
  };
}

describe("ordinal", () => {
  it.each([
    [1, "1st"],
    [2, "2nd"],
    [3, "3rd"],
    [4, "4th"],
    [11, "11th"],
    [12, "12th"],
    [13, "13th"],
    [21, "21st"],
    [22, "22nd"],
    [23, "23rd"],
    [101, "101st"],
    [111, "111th"],
    [112, "112th"],
  ])("writes %i as %s", (n, expected) => {
    expect(ordinal(n)).toBe(expected);
  });
});

describe("historyLine", () => {
  it("says nothing for the first occurrence", () => {
    expect(historyLine([], diagnosis(), NOW)).toBeUndefined();
  });

  it("counts this stop with the earlier ones of the same service and category", () => {
    const stops = [stop("2024-05-02T08:12:00.000Z"), stop("2024-05-02T09:30:00.000Z")];

    expect(historyLine(stops, diagnosis(), NOW)).toBe(
      "3rd out-of-memory stop of `api` in 24 h, first at 08:12 UTC",
    );
  });

  it("does not count this stop twice when it is already recorded", () => {
    const own = stopFromDiagnosis(diagnosis(), NOW);

    const line = historyLine([stop("2024-05-02T08:12:00.000Z"), own], diagnosis(), new Date(NOW));

    expect(line).toBe("2nd out-of-memory stop of `api` in 24 h, first at 08:12 UTC");
  });

  it("ignores other categories, other services, other clusters and stops outside the window", () => {
    const stops = [
      stop("2024-05-02T08:00:00.000Z", { category: "app-exit" }),
      stop("2024-05-02T08:00:00.000Z", { group: "service:worker", taskArn: "w" }),
      stop("2024-05-02T08:00:00.000Z", { cluster: "staging", taskArn: "s" }),
      stop("2024-04-30T08:00:00.000Z"),
    ];

    expect(historyLine(stops, diagnosis(), NOW)).toBeUndefined();
  });

  it("dates the first stop when it was on an earlier day", () => {
    const stops = [stop("2024-05-01T23:50:00.000Z")];

    expect(historyLine(stops, diagnosis(), NOW)).toBe(
      "2nd out-of-memory stop of `api` in 24 h, first at 2024-05-01 23:50 UTC",
    );
  });

  it("names a standalone task by its family and uses the window given", () => {
    const job = diagnosis({ group: "family:nightly", service: undefined, category: "app-exit" });
    const stops = [stop("2024-05-02T09:00:00.000Z", { group: "family:nightly", category: "app-exit" })];

    expect(historyLine(stops, job, NOW, { windowMs: 90 * 60 * 1000 })).toBe(
      "2nd app-exit stop of `nightly` in 90 min, first at 09:00 UTC",
    );
  });
});

describe("stopFromDiagnosis and historyKeys", () => {
  it("keys a stop by cluster and group, and by cluster alone, sorted by time", () => {
    const recorded = stopFromDiagnosis(diagnosis(), NOW);

    expect(historyKeys(recorded)).toEqual({
      byGroup: { pk: "history#prod#service:api", sk: "2024-05-02T09:58:00.000Z#current" },
      byCluster: { pk: "history#prod", sk: "2024-05-02T09:58:00.000Z#service:api#current" },
    });
    expect(recorded).toMatchObject({ culprit: "web", exitCode: 137, severity: "critical" });
  });

  it("dates a stop without stoppedAt now and groups a task without group by family", () => {
    const recorded = stopFromDiagnosis(
      diagnosis({ stoppedAt: undefined, group: undefined, family: "etl" }),
      NOW,
    );

    expect(recorded.stoppedAt).toBe(new Date(NOW).toISOString());
    expect(recorded.group).toBe("family:etl");
  });
});

describe("summarizeHistory", () => {
  it("groups stops by category, most frequent first, with services and the worst severity", () => {
    const stops = [
      stop("2024-05-02T01:00:00.000Z"),
      stop("2024-05-02T02:00:00.000Z", { group: "service:worker", severity: "warning" }),
      stop("2024-05-02T03:00:00.000Z", { title: "latest OOM" }),
      stop("2024-05-02T04:00:00.000Z", { category: "scaling", severity: "info", subCause: "scale-in" }),
    ];

    const rows = summarizeHistory(stops);

    expect(rows).toEqual([
      {
        category: "out-of-memory",
        count: 3,
        severity: "critical",
        groups: [
          { name: "api", count: 2 },
          { name: "worker", count: 1 },
        ],
        subCauses: [{ subCause: "container-oom-killed", count: 3 }],
        firstAt: "2024-05-02T01:00:00.000Z",
        lastAt: "2024-05-02T03:00:00.000Z",
        lastTitle: "latest OOM",
      },
      {
        category: "scaling",
        count: 1,
        severity: "info",
        groups: [{ name: "api", count: 1 }],
        subCauses: [{ subCause: "scale-in", count: 1 }],
        firstAt: "2024-05-02T04:00:00.000Z",
        lastAt: "2024-05-02T04:00:00.000Z",
        lastTitle: "Container `web` ran out of memory",
      },
    ]);
  });

  it("returns no rows for no stops", () => {
    expect(summarizeHistory([])).toEqual([]);
  });
});

describe("parseSince", () => {
  it.each([
    ["24h", 24 * 3600_000],
    ["90m", 90 * 60_000],
    ["7d", 7 * 86_400_000],
    ["30s", 30_000],
    ["2w", 14 * 86_400_000],
    [" 15 min ", 15 * 60_000],
    ["1H", 3600_000],
  ])("reads %s", (text, ms) => {
    expect(parseSince(text)).toBe(ms);
  });

  it.each(["", "24", "h", "0h", "-1d", "1.5h", "24 hours", "yesterday", "1y"])("rejects %j", (text) => {
    expect(() => parseSince(text)).toThrow(InvalidSinceError);
  });

  it("says what it expects", () => {
    expect(() => parseSince("soon")).toThrow('--since must be a duration such as 90m, 24h or 7d, got "soon"');
  });
});

describe("formatWindow", () => {
  it("uses the unit a person would", () => {
    expect(formatWindow(24 * 3600_000)).toBe("24 h");
    expect(formatWindow(7 * 86_400_000)).toBe("7 d");
    expect(formatWindow(90 * 60_000)).toBe("90 min");
  });
});

describe("shouldEnrich", () => {
  it("spends calls on warnings and critical stops, never on expected (info) ones", () => {
    expect(shouldEnrich({ severity: "critical" })).toBe(true);
    expect(shouldEnrich({ severity: "warning" })).toBe(true);
    expect(shouldEnrich({ severity: "info" })).toBe(false);
  });
});

describe("one stop per task in the history", () => {
  const stop = (taskId: string, stoppedAt: string) => ({
    cluster: "prod",
    group: "service:batch-worker",
    taskArn: `arn:aws:ecs:us-east-1:111122223333:task/prod/${taskId}`,
    taskId,
    stoppedAt,
    category: "spot-interruption" as const,
    subCause: "",
    severity: "warning" as const,
    title: "Spot capacity reclaimed",
  });

  it("counts a task recorded twice (its Spot notice and its STOPPED event) once, keeping the later record", () => {
    const notice = stop("a", "2023-05-02T15:28:04.000Z");
    const stopped = stop("a", "2023-05-02T15:29:11.177Z");
    const other = stop("b", "2023-05-02T15:30:00.000Z");

    const rows = summarizeHistory([notice, stopped, other]);

    expect(distinctTasks([notice, stopped, other])).toEqual([stopped, other]);
    expect(rows).toMatchObject([{ category: "spot-interruption", count: 2, firstAt: stopped.stoppedAt }]);
  });
});

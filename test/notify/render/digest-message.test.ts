import { describe, expect, it } from "vitest";
import { digestMessage } from "../../../src/shared/notify/digest-message.js";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import { DIAGNOSES, ENV } from "./diagnoses.js";

const INPUT = {
  group: "service:api",
  category: "out-of-memory",
  count: 37,
  firstAt: "2024-05-14T10:02:11Z",
  lastAt: "2024-05-14T10:42:59Z",
};

describe("digestMessage", () => {
  it("says how many more stops of the service it sums up and the window of their stop times", () => {
    const message = digestMessage(INPUT);

    expect(message.kind).toBe("digest");
    expect(message.title).toBe("api: 37 more out-of-memory stops between 10:02 and 10:42 UTC");
    expect(message.cause).toMatch(
      /^37 more out-of-memory stops of `api` between 10:02 and 10:42 UTC, besides the one already sent\./,
    );
  });

  it("speaks of one task in the singular", () => {
    expect(digestMessage({ ...INPUT, count: 1 }).title).toContain("1 more out-of-memory stop between");
  });

  it("names a standalone task family without its group prefix", () => {
    const message = digestMessage({ ...INPUT, group: "family:nightly" });

    expect(message.title.startsWith("nightly: ")).toBe(true);
    expect(message.family).toBe("nightly");
    expect(message.service).toBeUndefined();
  });

  it("carries the sample's severity, reason, evidence, steps, links and place", () => {
    const sample = fromDiagnosis(DIAGNOSES["out-of-memory"], ENV);

    const message = digestMessage({ ...INPUT, sample });

    expect(message.severity).toBe("critical");
    expect(message.reason).toBe(sample.reason);
    expect(message.remediation).toEqual(sample.remediation);
    expect(message.links).toEqual(sample.links);
    expect(message.cluster).toBe("prod");
    expect(message.facts[0]).toEqual({ label: "Cluster", value: "prod" });
  });

  it("is a warning without a sample and shows both times in full as facts", () => {
    const message = digestMessage(INPUT);

    expect(message.severity).toBe("warning");
    expect(message.facts).toContainEqual({ label: "First", value: "2024-05-14 10:02:11 UTC" });
    expect(message.facts).toContainEqual({ label: "Last", value: "2024-05-14 10:42:59 UTC" });
  });
});

describe("digestMessage: the tasks it sums up", () => {
  const task = (id: string) => `arn:aws:ecs:us-east-1:123456789012:task/prod/${id}`;

  it("lists up to the tasks given, each linked to its console page, and how many more there are", () => {
    const tasks = ["a1", "b2", "c3", "d4", "e5"].map((id) => id.repeat(16));

    const message = digestMessage({ ...INPUT, count: 12, tasks: tasks.map(task) });

    expect(message.facts).toContainEqual({
      label: "Tasks",
      value: `${tasks.join(", ")} and 7 more`,
    });
    expect(message.links.map((link) => link.url)).toEqual(
      tasks.map(
        (id) =>
          `https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/${id}/configuration?region=us-east-1`,
      ),
    );
  });

  it("dates the window with days when its stops span midnight, and says 'at' for one moment", () => {
    const spanning = digestMessage({
      ...INPUT,
      firstAt: "2024-05-14T23:50:00Z",
      lastAt: "2024-05-15T00:10:00Z",
    });
    const single = digestMessage({ ...INPUT, count: 1, lastAt: INPUT.firstAt });

    expect(spanning.title).toBe(
      "api: 37 more out-of-memory stops between 2024-05-14 23:50 and 2024-05-15 00:10 UTC",
    );
    expect(single.title).toBe("api: 1 more out-of-memory stop at 10:02 UTC");
  });
});

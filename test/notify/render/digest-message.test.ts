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

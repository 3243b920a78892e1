import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../../src/shared/diagnosis/types.js";
import { fromDiagnosis } from "../../../src/shared/notify/from-diagnosis.js";
import { DIAGNOSES, ENV } from "./diagnoses.js";

const OOM = DIAGNOSES["out-of-memory"];

function labels(d: Diagnosis, env = ENV) {
  return fromDiagnosis(d, env).facts.map((fact) => fact.label);
}

describe("fromDiagnosis", () => {
  it("titles a service task by the service and the culprit container", () => {
    expect(fromDiagnosis(OOM, ENV).title).toBe("api: container web ran out of memory");
  });

  it("titles a standalone task by its family", () => {
    expect(fromDiagnosis(DIAGNOSES.completed, ENV).title).toBe("nightly-report: container report completed");
  });

  it("speaks of the task, not a container, for stops of the whole task", () => {
    const d: Diagnosis = { ...DIAGNOSES["spot-interruption"], culprit: { name: "worker", exitCode: 137 } };

    expect(fromDiagnosis(d, ENV).title).toBe("worker: task was stopped by a Spot interruption");
  });

  it("says a service task that exited 0 left the service", () => {
    const d: Diagnosis = {
      ...OOM,
      category: "completed",
      severity: "warning",
      culprit: { name: "web", exitCode: 0 },
    };

    expect(fromDiagnosis(d, ENV).title).toBe("api: container web exited 0 and left the service");
  });

  it("uses the summary as the cause and the culprit's reason verbatim", () => {
    const message = fromDiagnosis(OOM, ENV);

    expect(message.cause).toBe(OOM.summary);
    expect(message.reason).toBe("OutOfMemoryError: Container killed due to memory usage");
  });

  it("falls back to the task's stopped reason when the culprit has none", () => {
    expect(fromDiagnosis(DIAGNOSES["app-exit"], ENV).reason).toBe("Essential container in task exited");
  });

  it("lists the facts in a fixed order and leaves out unknown ones", () => {
    expect(labels(OOM)).toEqual([
      "Cluster",
      "Service",
      "Task",
      "Task definition",
      "Exit codes",
      "Stop code",
      "Category",
      "Started by",
    ]);
    expect(labels({ taskArn: "arn:aws:ecs:eu-west-1:1:task/abc", ...minimal() })).toEqual([
      "Task",
      "Category",
    ]);
  });

  it("names a standalone task's family and adds the history when given", () => {
    const message = fromDiagnosis(DIAGNOSES.completed, { ...ENV, history: "3rd stop in 10 minutes" });

    expect(message.facts).toContainEqual({ label: "Family", value: "nightly-report" });
    expect(message.facts).toContainEqual({ label: "History", value: "3rd stop in 10 minutes" });
  });

  it("links the task, its logs, the service and the docs", () => {
    const labelsOfLinks = fromDiagnosis(OOM, ENV).links.map((link) => link.label);

    expect(labelsOfLinks).toEqual([
      "Open task",
      "Task logs",
      "Open service",
      "Stopped task errors (AWS docs)",
      "Memory management (AWS docs)",
    ]);
  });

  it("links no service for a standalone task", () => {
    const urls = fromDiagnosis(DIAGNOSES.completed, ENV).links.map((link) => link.url);

    expect(urls.some((url) => url.includes("/services/"))).toBe(false);
  });

  it("builds console links for the task's own partition and region", () => {
    const d: Diagnosis = {
      ...OOM,
      taskArn: "arn:aws-cn:ecs:cn-north-1:123456789012:task/prod/abc",
      clusterArn: "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/prod",
    };

    const message = fromDiagnosis(d, { time: ENV.time });

    expect(message.links[0]?.url).toBe(
      "https://cn-north-1.console.amazonaws.cn/ecs/v2/clusters/prod/tasks/abc/configuration?region=cn-north-1",
    );
    expect(message.region).toBe("cn-north-1");
    expect(message.account).toBe("123456789012");
  });

  it("keeps the doc links but builds no console link when the region is unknown", () => {
    const d: Diagnosis = { ...OOM, taskArn: "abc", clusterArn: undefined };

    const message = fromDiagnosis(d, {});

    expect(message.links.every((link) => link.url.startsWith("https://docs.aws.amazon.com/"))).toBe(true);
  });

  it("reads the cluster from a new-format task ARN when the cluster ARN is missing", () => {
    const d: Diagnosis = { ...OOM, clusterArn: undefined };

    expect(fromDiagnosis(d, ENV).cluster).toBe("prod");
  });

  it("takes account, region and time from the envelope and the stop time otherwise", () => {
    expect(fromDiagnosis(OOM, ENV).time).toBe(ENV.time);
    expect(fromDiagnosis(OOM, {}).time).toBe(OOM.stoppedAt);
  });
});

function minimal(): Omit<Diagnosis, "taskArn"> {
  return {
    category: "unknown",
    subCause: "unknown",
    severity: "warning",
    title: "t",
    summary: "s",
    evidence: [],
    remediation: [],
    docs: [],
  };
}

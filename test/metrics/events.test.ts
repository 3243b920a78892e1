/** What a dispatched event is counted as: its kind, why it was dropped, its diagnosis. */
import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../src/shared/diagnosis/types.js";
import { type DispatchResult, dispatchEvent, type FlowDeps } from "../../src/shared/flows/dispatch.js";
import { silentLog } from "../../src/shared/log.js";
import { eventKind, recordDispatch } from "../../src/shared/metrics/events.js";
import { countingMetrics } from "./support.js";

const stopEvent = { "detail-type": "ECS Task State Change" };

describe("recordDispatch", () => {
  it("counts the event by kind and a diagnosis by category", () => {
    const metrics = countingMetrics();
    const result: DispatchResult = {
      status: "diagnosed",
      diagnosis: { category: "out-of-memory" } as Diagnosis,
      outcomes: [],
    };

    recordDispatch(metrics, stopEvent, result);

    expect(metrics.counted).toEqual([
      { name: "Events", dimensions: { kind: "ECS Task State Change" }, value: 1 },
      { name: "Diagnoses", dimensions: { category: "out-of-memory" }, value: 1 },
    ]);
  });

  it("counts an event that does not parse as dropped, unparseable", async () => {
    const metrics = countingMetrics();
    const raw = { "detail-type": "ECS Task State Change", detail: "not an object" };
    const deps = { log: silentLog, notify: async () => [] } as unknown as FlowDeps;

    const result = await dispatchEvent(raw, deps, ["ECS Task State Change"]);
    recordDispatch(metrics, raw, result);

    expect(metrics.counted).toContainEqual({
      name: "EventsDropped",
      dimensions: { reason: "unparseable" },
      value: 1,
    });
  });

  it("counts a drop without a cause as other, and a handled deployment event by kind only", () => {
    const metrics = countingMetrics();

    recordDispatch(metrics, stopEvent, { status: "dropped", reason: "not a deployment event" });
    recordDispatch(
      metrics,
      { "detail-type": "ECS Deployment State Change" },
      {
        status: "handled",
        detailType: "ECS Deployment State Change",
        summary: "",
      },
    );

    expect(metrics.counted.map((c) => [c.name, c.dimensions])).toEqual([
      ["Events", { kind: "ECS Task State Change" }],
      ["EventsDropped", { reason: "other" }],
      ["Events", { kind: "ECS Deployment State Change" }],
    ]);
  });
});

describe("eventKind", () => {
  it("keeps a known detail-type and turns anything else into other, so an input never mints a metric", () => {
    expect(eventKind({ "detail-type": "ECS Service Action" })).toBe("ECS Service Action");
    expect(eventKind({ "detail-type": "Made Up Kind 123" })).toBe("other");
    expect(eventKind("not an event")).toBe("other");
    expect(eventKind(null)).toBe("other");
  });
});

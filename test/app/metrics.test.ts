/** The EMF adapter, the on/off switch and the handler wrapper of ecs-sentinel's own metrics. */
import type { Context } from "aws-lambda";
import { describe, expect, it } from "vitest";
import {
  emfMetrics,
  lambdaMetrics,
  METRICS_NAMESPACE,
  MetricsSettingError,
  metricsEnabled,
  withMetrics,
} from "../../src/app/metrics.js";
import { silentLog } from "../../src/shared/log.js";
import { type FlushableMetrics, METRIC, noMetrics } from "../../src/shared/metrics/port.js";

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const context = { functionName: "ecs-sentinel-test-taskState" } as Context;

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

function capture(options: { stage?: string } = {}) {
  const lines: string[] = [];
  const metrics = emfMetrics({
    serviceName: "ecs-sentinel",
    ...options,
    write: (line) => lines.push(line),
    clock: () => NOW,
    log: silentLog,
  });
  return { metrics, lines, parsed: () => lines.map((line) => JSON.parse(line) as EmfLine) };
}

/** A metrics sink that records calls, to check what the wrapper counts and how often it flushes. */
function recordingMetrics() {
  const calls: string[] = [];
  const metrics: FlushableMetrics = {
    count: (name, dimensions = {}, value = 1) =>
      calls.push(`count ${name} ${JSON.stringify(dimensions)} ${value}`),
    timing: (name, ms, dimensions = {}) => calls.push(`timing ${name} ${JSON.stringify(dimensions)} ${ms}`),
    flush: () => calls.push("flush"),
  };
  return { metrics, calls };
}

describe("emfMetrics", () => {
  it("writes one EMF line in the ECSSentinel namespace with the service, stage and metric dimensions", () => {
    const { metrics, parsed } = capture({ stage: "prod" });

    metrics.count(METRIC.notifications, { channel: "slack", outcome: "sent" });
    metrics.flush();

    const [line, ...rest] = parsed();
    expect(rest).toEqual([]);
    expect(line?._aws.Timestamp).toBe(NOW);
    expect(line?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [expect.arrayContaining(["service", "stage", "channel", "outcome"])],
        Metrics: [{ Name: "Notifications", Unit: "Count" }],
      },
    ]);
    expect(line?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toHaveLength(4);
    expect(line).toMatchObject({
      service: "ecs-sentinel",
      stage: "prod",
      channel: "slack",
      outcome: "sent",
      Notifications: 1,
    });
  });

  it("sums the counts of one metric and dimensions into a single value", () => {
    const { metrics, parsed } = capture();

    metrics.count(METRIC.diagnoses, { category: "out-of-memory" });
    metrics.count(METRIC.diagnoses, { category: "out-of-memory" }, 2);
    metrics.flush();

    expect(parsed()).toHaveLength(1);
    expect(parsed()[0]).toMatchObject({ category: "out-of-memory", Diagnoses: 3 });
  });

  it("writes a line per combination of dimension values, since an EMF line holds one value per dimension", () => {
    const { metrics, parsed } = capture();

    metrics.count(METRIC.notifications, { channel: "slack", outcome: "sent" });
    metrics.count(METRIC.notifications, { channel: "email", outcome: "throttled" });
    metrics.count(METRIC.events, { kind: "ECS Task State Change" });
    metrics.flush();

    const lines = parsed();
    expect(lines).toHaveLength(3);
    expect(lines.map((line) => [line.channel, line.outcome, line.kind])).toEqual([
      ["slack", "sent", undefined],
      ["email", "throttled", undefined],
      [undefined, undefined, "ECS Task State Change"],
    ]);
  });

  it("puts metrics with the same dimensions on one line, timings in milliseconds", () => {
    const { metrics, parsed } = capture();

    metrics.count(METRIC.coldStarts, { function: "taskState" });
    metrics.timing(METRIC.handlerLatency, 42, { function: "taskState" });
    metrics.flush();

    const [line] = parsed();
    expect(parsed()).toHaveLength(1);
    expect(line?._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: "ColdStarts", Unit: "Count" },
      { Name: "HandlerLatency", Unit: "Milliseconds" },
    ]);
    expect(line).toMatchObject({ function: "taskState", ColdStarts: 1, HandlerLatency: 42 });
  });

  it("writes nothing when nothing was counted, and empties its buffer at each flush", () => {
    const { metrics, lines } = capture();

    metrics.flush();
    metrics.count(METRIC.events, { kind: "other" });
    metrics.flush();
    metrics.flush();

    expect(lines).toHaveLength(1);
  });
});

describe("metricsEnabled (ECS_SENTINEL_METRICS)", () => {
  it.each([
    [{ ECS_SENTINEL_METRICS: "on" }, true],
    [{ ECS_SENTINEL_METRICS: "ON " }, true],
    [{ ECS_SENTINEL_METRICS: "off" }, false],
    [{ ECS_SENTINEL_METRICS: "" }, false],
    [{}, false],
  ])("%j -> %s", (env, expected) => {
    expect(metricsEnabled(env)).toBe(expected);
  });

  it("gives a container without ECS_SENTINEL_METRICS (tests, local runs) metrics that write nothing", () => {
    expect(lambdaMetrics({ POWERTOOLS_SERVICE_NAME: "ecs-sentinel" })).toBe(noMetrics);
  });

  it("refuses any other value, naming the variable", () => {
    expect(() => metricsEnabled({ ECS_SENTINEL_METRICS: "yes" })).toThrow(MetricsSettingError);
    expect(() => metricsEnabled({ ECS_SENTINEL_METRICS: "yes" })).toThrow(/ECS_SENTINEL_METRICS/);
  });
});

describe("withMetrics", () => {
  const ticking = () => {
    let now = 1_000;
    return () => {
      now += 25;
      return now;
    };
  };

  it("counts the result, the latency and the cold start, then flushes once", async () => {
    const { metrics, calls } = recordingMetrics();
    const handler = withMetrics(
      "taskState",
      async (event: string) => `done ${event}`,
      (sink, event, result) => sink.count(METRIC.events, { kind: `${event}/${result}` }),
      { metrics, clock: ticking(), log: silentLog },
    );

    const result = await handler("e1", context);

    expect(result).toBe("done e1");
    expect(calls).toEqual([
      'count ColdStarts {"function":"taskState"} 1',
      'count Events {"kind":"e1/done e1"} 1',
      'timing HandlerLatency {"function":"taskState"} 25',
      "flush",
    ]);
  });

  it("still counts the latency and flushes once when the handler throws, rethrowing for Lambda's retry", async () => {
    const { metrics, calls } = recordingMetrics();
    const handler = withMetrics(
      "deploymentEvents",
      async () => {
        throw new Error("SNS is down");
      },
      undefined,
      { metrics, clock: ticking(), log: silentLog },
    );

    await expect(handler({}, context)).rejects.toThrow("SNS is down");

    expect(calls.filter((call) => call === "flush")).toHaveLength(1);
    expect(calls).toContain('timing HandlerLatency {"function":"deploymentEvents"} 25');
    expect(calls.at(-1)).toBe("flush");
  });

  it("counts the cold start only on a container's first invocation", async () => {
    const { metrics, calls } = recordingMetrics();
    const handler = withMetrics("runJob", async () => 1, undefined, { metrics, log: silentLog });

    await handler({}, context);
    await handler({}, context);

    expect(calls.filter((call) => call.startsWith("count ColdStarts"))).toHaveLength(1);
    expect(calls.filter((call) => call === "flush")).toHaveLength(2);
  });

  it("returns the handler's result when counting or flushing fails", async () => {
    const metrics: FlushableMetrics = {
      count: () => {},
      timing: () => {},
      flush: () => {
        throw new RangeError("too many dimensions");
      },
    };
    const handler = withMetrics(
      "watchdog",
      async () => "ok",
      () => {
        throw new TypeError("bad result");
      },
      { metrics, log: silentLog },
    );

    await expect(handler({}, context)).resolves.toBe("ok");
  });

  it("writes real EMF once per invocation through the adapter", async () => {
    const { metrics, parsed } = capture();
    const handler = withMetrics("watchdog", async () => "ok", undefined, {
      metrics,
      clock: ticking(),
      log: silentLog,
    });

    await handler({}, context);

    expect(parsed()).toEqual([
      expect.objectContaining({ function: "watchdog", ColdStarts: 1, HandlerLatency: 25 }),
    ]);
  });
});

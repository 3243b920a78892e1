/**
 * Alert context end to end: moto's ECS, CloudWatch Logs and DynamoDB over the real wire protocols, the task
 * flow with the real adapters, and a local Slack webhook that records what it receives.
 */
import { CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENRICH_OPERATIONS } from "../../src/shared/enrich/call-counter.js";
import { SERVICE_OPERATIONS } from "../../src/shared/enrich/service-deployments.js";
import { type SlackServer, startSlackServer } from "../support/slack-server.js";
import { type ContextWorld, createContextWorld, slackText, writeContainerLog } from "./context-fixture.js";

let server: SlackServer;
let world: ContextWorld;

beforeAll(async () => {
  server = await startSlackServer();
  world = await createContextWorld(server, "context-alerts");
});
afterAll(async () => {
  await server.close();
});

const STACK_TRACE = [
  "Starting api 1.5.0 on port 8080",
  ...Array.from({ length: 25 }, (_, i) => `GET /reports/${i} 200 12ms`),
  "connecting with DATABASE_URL=postgres://app:hunter2@db.internal:5432/app",
  'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space',
  "\tat com.example.ReportCache.put(ReportCache.java:88)",
  "\tat com.example.Api.handle(Api.java:17)",
];

function onlyPost(taskId: string): string {
  const posts = world.slackPostsAbout(taskId);
  expect(posts).toHaveLength(1);
  return slackText(posts[0]);
}

describe("a failing service task's alert", () => {
  it("carries the last lines of the container's log, masked", async () => {
    await writeContainerLog("crash-1", STACK_TRACE);

    await world.alert(world.event({ taskId: "crash-1" }));

    const text = onlyPost("crash-1");
    expect(text).toContain("*Last log lines* · container web · /ecs/api\n```\n");
    expect(text).toContain(
      'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n' +
        "\tat com.example.ReportCache.put(ReportCache.java:88)\n\tat com.example.Api.handle(Api.java:17)\n```",
    );
    expect(text).toContain("postgres://app:[masked]@");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("Starting api");
  });

  it("lists the image and memory changes since the last successful revision", async () => {
    await writeContainerLog("crash-2", ["boom"]);

    await world.alert(world.event({ taskId: "crash-2" }));

    const text = onlyPost("crash-2");
    expect(text).toContain("*What changed*\nSince api:1, the last successful revision:\n");
    expect(text).toContain(
      "• web image: public.ecr.aws/example/api:1.4.2 -&gt; public.ecr.aws/example/api:1.5.0",
    );
    expect(text).toContain("• web memory: 512 -&gt; 256");
  });

  it("says there was no change when the failing task runs the service's stable revision", async () => {
    await writeContainerLog("crash-stable", ["boom"]);

    await world.alert(world.event({ taskId: "crash-stable", taskDefinition: world.revisions.good }));

    expect(onlyPost("crash-stable")).toContain(
      "*What changed*\nNo change from the last successful revision (api:1): the cause is not a deploy",
    );
  });

  it("shows a stream that appears after the first read", async () => {
    let pauses = 0;
    const deps = world.deps({
      sleep: async () => {
        pauses++;
        if (pauses === 1) await writeContainerLog("late-1", ["written late", "fatal: late crash"]);
      },
    });

    await world.alert(world.event({ taskId: "late-1" }), deps);

    expect(onlyPost("late-1")).toContain("```\nwritten late\nfatal: late crash\n```");
  });

  it("links the stream and says why when it never appears", async () => {
    await world.alert(world.event({ taskId: "never-1" }));

    const [post] = world.slackPostsAbout("never-1");
    expect(slackText(post)).toContain(
      "*Last log lines* · container web\nNot shown: log stream not found yet. Open the log stream with the button below.",
    );
    expect(JSON.stringify(post)).toContain("log-events/ecs$252Fweb$252Fnever-1");
  });

  it("says how often it happened on the 3rd stop", async () => {
    const times = ["2024-05-03T08:12:00.000Z", "2024-05-03T09:00:00.000Z", "2024-05-03T09:40:00.000Z"];
    for (const [i, stoppedAt] of times.entries()) {
      await world.alert(world.event({ taskId: `repeat-${i + 1}`, stoppedAt, service: "worker" }));
    }

    expect(onlyPost("repeat-1")).not.toContain("*History*");
    expect(onlyPost("repeat-2")).toContain(
      "*History*\n2nd out-of-memory stop of `worker` in 24 h, first at 08:12 UTC",
    );
    expect(onlyPost("repeat-3")).toContain(
      "*History*\n3rd out-of-memory stop of `worker` in 24 h, first at 08:12 UTC",
    );
  });
});

describe("when CloudWatch Logs refuses", () => {
  const refusing = new CloudWatchLogsClient({ region: "us-east-1" });
  const logs = mockClient(refusing);

  it("sends the alert without the tail, saying permission is missing", async () => {
    logs.reset();
    logs.on(GetLogEventsCommand).rejects(
      Object.assign(new Error("User is not authorized to perform: logs:GetLogEvents"), {
        name: "AccessDeniedException",
      }),
    );

    await world.alert(world.event({ taskId: "denied-1" }), world.deps({ logs: refusing }));

    const text = onlyPost("denied-1");
    expect(text).toContain("Not shown: no permission to read the logs (logs:GetLogEvents).");
    expect(text).toContain("*What changed*");
  });

  it("sends the alert without the tail, saying it was throttled, after retrying", async () => {
    logs.reset();
    logs
      .on(GetLogEventsCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));

    await world.alert(world.event({ taskId: "throttled-1" }), world.deps({ logs: refusing }));

    expect(onlyPost("throttled-1")).toContain("Not shown: CloudWatch Logs throttled.");
    expect(logs.commandCalls(GetLogEventsCommand)).toHaveLength(3);
  });

  it("sends the alert within its budget when CloudWatch Logs does not answer", async () => {
    logs.reset();
    logs.on(GetLogEventsCommand).callsFake(() => new Promise(() => {}));

    await world.alert(
      world.event({ taskId: "silent-1" }),
      world.deps({ logs: refusing, settings: { enrichBudgetMs: 300 } }),
    );

    expect(onlyPost("silent-1")).toContain("Not shown: timed out reading CloudWatch Logs.");
  });
});

describe("what context costs", () => {
  it("makes no call at all for an expected stop", async () => {
    world.counter.reset();

    const result = await world.alert(world.event({ taskId: "scale-in-1", kind: "scaling" }));

    expect(result).toMatchObject({ status: "diagnosed", diagnosis: { severity: "info" } });
    expect(world.counter.snapshot()).toEqual({});
  });

  // The stop's history rows are written by the notification's claim (one transaction with its flood count), not
  // by a call of their own.
  it("costs five AWS calls for a new container's first alert and two for the next one within a minute", async () => {
    await writeContainerLog("cost-1", ["boom"]);
    await writeContainerLog("cost-2", ["boom"]);
    const coldContainer = world.deps({ coldStart: true });

    world.counter.reset();
    await world.alert(world.event({ taskId: "cost-1" }), coldContainer);
    const first = world.counter.snapshot();
    world.counter.reset();
    await world.alert(world.event({ taskId: "cost-2" }), coldContainer);
    const second = world.counter.snapshot();

    expect(first).toEqual({
      [ENRICH_OPERATIONS.describeTaskDefinition]: 2,
      [ENRICH_OPERATIONS.taskDefinitionCacheHit]: 1,
      [SERVICE_OPERATIONS.describeServices]: 1,
      [ENRICH_OPERATIONS.getLogEvents]: 1,
      [ENRICH_OPERATIONS.historyQuery]: 1,
    });
    expect(second).toEqual({
      [ENRICH_OPERATIONS.taskDefinitionCacheHit]: 3,
      [SERVICE_OPERATIONS.serviceCacheHit]: 1,
      [ENRICH_OPERATIONS.getLogEvents]: 1,
      [ENRICH_OPERATIONS.historyQuery]: 1,
    });
  });
});

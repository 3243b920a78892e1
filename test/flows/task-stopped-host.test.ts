/** A task that stopped on a host seen impaired names the host in its evidence; the host's record never fails it. */
import { describe, expect, it } from "vitest";
import { diagnoseTask } from "../../src/shared/diagnosis/index.js";
import { handleTaskStateChange } from "../../src/shared/flows/task-stopped.js";
import type { HostImpairment } from "../../src/shared/hosts/ports.js";
import {
  cachedHostLookup,
  HOST_IMPAIRMENT_WINDOW_MS,
  withHostEvidence,
} from "../../src/shared/hosts/stop-link.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";
import { stoppedTaskEvent } from "./support/task-events.js";

const INSTANCE = "arn:aws:ecs:us-east-1:123456789012:container-instance/prod/ci1";
const IMPAIRED: HostImpairment = {
  containerInstanceArn: INSTANCE,
  ec2InstanceId: "i-0abc",
  status: "IMPAIRED",
  since: "2024-05-02T09:50:00Z",
  problems: ["AGENT_CONNECTIVITY — Agent disconnected since 2024-05-02T09:50:00Z"],
};

function ec2Stop(kind: "app-exit" | "out-of-memory" = "app-exit") {
  const event = stoppedTaskEvent({ taskId: "t1", kind });
  event.detail = { ...event.detail, containerInstanceArn: INSTANCE, launchType: "EC2" };
  return event;
}

async function send(event: ReturnType<typeof ec2Stop>, hostImpairment?: typeof lookup) {
  const sent: Message[] = [];
  await handleTaskStateChange(event, {
    log: silentLog,
    notify: async (message) => {
      sent.push(message);
      return [];
    },
    ...(hostImpairment ? { hostImpairment } : {}),
  });
  return sent;
}
const lookup = async (_arn: string, _at?: number): Promise<HostImpairment | undefined> => IMPAIRED;

describe("a stop on an impaired host", () => {
  it("names the host, its status since when and the failing check in the evidence", async () => {
    const [message] = await send(ec2Stop(), lookup);

    expect(message?.evidence).toContain(
      "The host i-0abc (container instance ci1) was IMPAIRED since 2024-05-02T09:50:00Z: AGENT_CONNECTIVITY — Agent disconnected since 2024-05-02T09:50:00Z",
    );
  });

  it("keeps the diagnosis's own remediation first when it has a clear cause", async () => {
    const [message] = await send(ec2Stop("out-of-memory"), lookup);

    expect(message?.category).toBe("out-of-memory");
    expect(message?.remediation[0]).not.toMatch(/host/);
  });

  it("is diagnosed as usual when the host's record cannot be read", async () => {
    const [message] = await send(ec2Stop(), async () => {
      throw new Error("ProvisionedThroughputExceededException");
    });

    expect(message?.evidence.join("\n")).not.toMatch(/The host/);
    expect(message?.category).toBe("app-exit");
  });

  it("is not looked up for a Fargate task (no container instance)", async () => {
    const asked: string[] = [];
    const [message] = await send(stoppedTaskEvent({ taskId: "f1", kind: "app-exit" }), async (arn) => {
      asked.push(arn);
      return IMPAIRED;
    });

    expect(asked).toEqual([]);
    expect(message?.evidence.join("\n")).not.toMatch(/The host/);
  });
});

describe("cachedHostLookup", () => {
  const stoppedAt = Date.parse("2024-05-02T10:00:00Z");

  it("reads a container instance once a minute and never throws", async () => {
    let now = stoppedAt;
    let reads = 0;
    const recall = cachedHostLookup(
      async () => {
        reads++;
        return IMPAIRED;
      },
      () => now,
    );

    await recall(INSTANCE, stoppedAt);
    await recall(INSTANCE, stoppedAt);
    now += 61_000;
    const third = await recall(INSTANCE, stoppedAt);

    expect(reads).toBe(2);
    expect(third).toEqual(IMPAIRED);
  });

  it("turns a failed read into nothing known", async () => {
    const recall = cachedHostLookup(async () => {
      throw new Error("AccessDenied");
    });

    await expect(recall(INSTANCE, stoppedAt)).resolves.toBeUndefined();
  });

  it("ignores an impairment older than the window or after the stop", async () => {
    const recall = cachedHostLookup(
      async () => IMPAIRED,
      () => stoppedAt,
    );
    const since = Date.parse(IMPAIRED.since);

    expect(await recall(INSTANCE, since + HOST_IMPAIRMENT_WINDOW_MS + 1)).toBeUndefined();
    expect(await recall(INSTANCE, since - 10 * 60_000)).toBeUndefined();
    expect(await recall(INSTANCE, since + 60_000)).toEqual(IMPAIRED);
  });
});

describe("withHostEvidence", () => {
  it("puts the host first in the remediation of a stop with no cause of its own", () => {
    const event = ec2Stop();
    const unknown = { ...diagnoseTask(event.detail), category: "unknown" as const };

    const linked = withHostEvidence(unknown, IMPAIRED);

    expect(linked.remediation[0]).toMatch(/^The task likely stopped because its host i-0abc was IMPAIRED/);
  });
});

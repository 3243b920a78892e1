/**
 * Container instance events through the deployment-events dispatch: the host alert names the tasks on it, a
 * flapping host is one message, OK resolves the host's incident, and an impaired host is remembered.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentFlow } from "../../src/shared/flows/deployment.js";
import { dispatchEvent } from "../../src/shared/flows/dispatch.js";
import type { HostImpairment, HostStatusStore, HostTask } from "../../src/shared/hosts/ports.js";
import { silentLog } from "../../src/shared/log.js";
import { asNotifier } from "../../src/shared/notify/as-notifier.js";
import type { Message } from "../../src/shared/notify/message.js";
import { buildNotificationService } from "../../src/shared/notify/notifier.js";
import type { ChannelOutcome, NotifyMeta } from "../../src/shared/notify/port.js";
import { renderEmail, renderSlack } from "../../src/shared/notify/render/index.js";
import { memoryStore } from "../../src/shared/notify/store/index.js";

const INSTANCE = "arn:aws:ecs:us-west-2:123456789012:container-instance/my-cluster/a1b2c3d4EXAMPLE";

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(import.meta.dirname, "../fixtures/ecs-events", name), "utf8"),
  ) as Record<string, unknown>;
}
const impaired = (id = "e1", time = "2026-07-29T22:34:13Z"): Record<string, unknown> => ({
  ...fixture("container-instance-health-agent-connectivity-impaired.doc.json"),
  id,
  time,
});
const recovered = () => fixture("container-instance-health-runtime-ok.doc.json");

function memoryHostStatus(): HostStatusStore & { records: Map<string, HostImpairment> } {
  const records = new Map<string, HostImpairment>();
  return {
    records,
    remember: async (impairment) => {
      records.set(impairment.containerInstanceArn, impairment);
    },
    forget: async (arn) => {
      records.delete(arn);
    },
    recall: async (arn) => records.get(arn),
  };
}

const TASKS: HostTask[] = [
  { taskArn: "arn:aws:ecs:us-west-2:123456789012:task/my-cluster/t1", group: "service:api" },
  { taskArn: "arn:aws:ecs:us-west-2:123456789012:task/my-cluster/t2", group: "service:api" },
  { taskArn: "arn:aws:ecs:us-west-2:123456789012:task/my-cluster/t3", group: "family:report" },
];

function harness(listTasks: (cluster: string, instance: string) => Promise<HostTask[]> = async () => TASKS) {
  const slack: unknown[] = [];
  let now = Date.parse("2026-07-29T22:34:13Z");
  const service = buildNotificationService({
    channels: {
      slack: async (payload) => {
        slack.push(payload);
      },
    },
    render: { slack: renderSlack, email: renderEmail },
    store: memoryStore(),
    routing: { slackMinSeverity: "info", emailMinSeverity: "critical" },
    clock: () => now,
  });
  const notifier = asNotifier(service);
  const notified: { message: Message; meta: NotifyMeta; outcomes: ChannelOutcome[] }[] = [];
  const hostStatus = memoryHostStatus();
  const listed: string[][] = [];
  const flow = deploymentFlow({
    log: silentLog,
    notify: async (message, meta) => {
      const outcomes = await notifier(message, meta);
      notified.push({ message, meta, outcomes });
      return outcomes;
    },
    hostPorts: {
      listTasks: async (cluster, instance) => {
        listed.push([cluster, instance]);
        return listTasks(cluster, instance);
      },
      hostStatus,
    },
    keyPrefix: "",
  });
  return {
    notified,
    slack,
    hostStatus,
    listed,
    advance: (ms: number) => {
      now += ms;
    },
    dispatch: (event: unknown) =>
      dispatchEvent(event, { notify: notifier, log: silentLog, deploymentEvent: flow }),
  };
}

describe("host health events", () => {
  it("name the impaired host, its failing check and the tasks and services on it", async () => {
    const h = harness();

    const result = await h.dispatch(impaired());

    expect(result).toMatchObject({ status: "handled", summary: "IMPAIRED i-0abcdef1234567890 (warning)" });
    expect(h.listed).toEqual([["arn:aws:ecs:us-west-2:123456789012:cluster/my-cluster", INSTANCE]]);
    const [sent] = h.notified;
    expect(sent?.message).toMatchObject({ kind: "host", severity: "warning", cluster: "my-cluster" });
    expect(sent?.message.title).toContain("i-0abcdef1234567890");
    expect(sent?.message.evidence).toEqual([
      "AGENT_CONNECTIVITY — Agent disconnected since 2026-07-29T22:34:13Z",
      "3 task(s) on this host: api (2), family:report (1)",
      "Tasks: t1, t2, t3",
    ]);
    expect(sent?.message.facts).toContainEqual({ label: "Capacity provider", value: "my-capacity-provider" });
    expect(sent?.meta).toMatchObject({
      dedupeKey: "e1#IMPAIRED",
      throttleKey: "my-cluster#host:a1b2c3d4EXAMPLE#IMPAIRED",
      problem: { key: `host:${INSTANCE}` },
    });
  });

  it("is critical when the container runtime is impaired", async () => {
    const h = harness();
    const event = impaired();
    const detail = event.detail as Record<string, unknown>;
    detail.healthChecks = [
      { type: "CONTAINER_RUNTIME", status: "IMPAIRED", statusReason: "docker not responding" },
    ];

    await h.dispatch(event);

    expect(h.notified[0]?.message.severity).toBe("critical");
    expect(h.notified[0]?.message.remediation[0]).toMatch(/container runtime/);
  });

  it("says why the tasks could not be listed and still alerts", async () => {
    const h = harness(async () => {
      throw Object.assign(new Error("not authorized to perform ecs:ListTasks"), {
        name: "AccessDeniedException",
      });
    });

    await h.dispatch(impaired());

    expect(h.notified[0]?.message.evidence.at(-1)).toMatch(
      /^Could not list the tasks on this host: .*ListTasks/,
    );
    expect(h.notified[0]?.outcomes[0]?.status).toBe("sent");
  });

  it("send one message for a flapping host; the repeats are throttled", async () => {
    const h = harness();

    for (let i = 0; i < 4; i++) {
      await h.dispatch(impaired(`e${i}`, `2026-07-29T22:3${4 + i}:13Z`));
      h.advance(60_000);
    }

    expect(h.slack).toHaveLength(1);
    expect(h.notified.slice(1).flatMap((n) => n.outcomes.map((o) => o.reason))).toEqual(
      Array(3).fill("throttled"),
    );
  });

  it("remember the impaired host and forget it when it is OK again, resolving its incident", async () => {
    const h = harness();
    await h.dispatch(impaired());
    expect(h.hostStatus.records.get(INSTANCE)).toMatchObject({
      ec2InstanceId: "i-0abcdef1234567890",
      status: "IMPAIRED",
      since: "2026-07-29T22:34:13Z",
    });

    const result = await h.dispatch(recovered());

    expect(result).toMatchObject({ status: "handled", summary: "OK i-0abcdef1234567890 (info)" });
    expect(h.hostStatus.records.has(INSTANCE)).toBe(false);
    expect(h.notified[1]?.meta.problem).toEqual({ key: `host:${INSTANCE}`, resolve: true });
    expect(h.notified[1]?.message.severity).toBe("info");
    expect(h.listed).toHaveLength(1);
  });
});

describe("host state events", () => {
  const state = (detail: Record<string, unknown>) => {
    const raw = fixture("container-instance-state-change.doc.json");
    return { ...raw, detail: { ...(raw.detail as Record<string, unknown>), ...detail } };
  };

  it("warn that the agent disconnected and remember the host", async () => {
    const h = harness();

    await h.dispatch(state({ agentConnected: false }));

    expect(h.notified[0]?.message).toMatchObject({
      severity: "warning",
      category: "host-agent-disconnected",
      title: "Host i-f3a8506b in default: ECS agent disconnected",
    });
    expect(h.notified[0]?.meta.throttleKey).toBe(
      "default#host:b54a2a04-046f-4331-9d74-3f6d7f6ca315#DISCONNECTED",
    );
    expect(h.hostStatus.records.size).toBe(1);
  });

  it("tell of a draining host as info, naming the tasks moved", async () => {
    const h = harness();

    await h.dispatch(state({ status: "DRAINING" }));

    expect(h.notified[0]?.message).toMatchObject({ severity: "info", category: "host-draining" });
    expect(h.notified[0]?.message.evidence[0]).toBe("3 task(s) on this host: api (2), family:report (1)");
  });

  it("tell of a deregistered host as info and forget it", async () => {
    const h = harness();
    await h.dispatch(state({ agentConnected: false }));

    await h.dispatch(state({ status: "INACTIVE", agentConnected: false }));

    expect(h.notified[1]?.message).toMatchObject({ severity: "info", category: "host-deregistered" });
    expect(h.hostStatus.records.size).toBe(0);
  });

  it("say nothing of a host that is simply ACTIVE and connected", async () => {
    const h = harness();

    const result = await h.dispatch(fixture("container-instance-state-change.doc.json"));

    expect(result.status).toBe("dropped");
    expect(h.notified).toHaveLength(0);
  });
});

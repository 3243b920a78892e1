/**
 * A managed daemon's failed task drains its host; the service tasks stopped by that drain name the daemon. Both
 * fixtures are real events adapted for Managed Instances (test/fixtures/stopped-tasks/SOURCES.md) and ran on the
 * same container instance, the daemon's stop ten minutes before the drain.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseEcsEvent } from "../../src/shared/events/index.js";
import type { TaskStateChangeEvent } from "../../src/shared/events/parse.js";
import { daemonStopHook } from "../../src/shared/flows/daemon-stop.js";
import { handleTaskStateChange } from "../../src/shared/flows/task-stopped.js";
import type { HostImpairment } from "../../src/shared/hosts/ports.js";
import { cachedHostLookup } from "../../src/shared/hosts/stop-link.js";
import { silentLog } from "../../src/shared/log.js";
import type { Message } from "../../src/shared/notify/message.js";

function fixture(name: string): TaskStateChangeEvent {
  const raw = JSON.parse(readFileSync(`test/fixtures/stopped-tasks/${name}.json`, "utf8"));
  return parseEcsEvent(raw) as TaskStateChangeEvent;
}

const DAEMON_STOP = "image-pull--managed-daemon-task-repository-not-found";
const DRAINED_SERVICE_TASK = "platform--managed-instances-instance-draining";

/** One container's wiring: an in-memory host record, the cached lookup, the daemon hook. */
function world(options: { failingWrite?: boolean } = {}) {
  const records = new Map<string, HostImpairment>();
  const lookup = cachedHostLookup(async (arn) => records.get(arn));
  const sent: Message[] = [];
  const hook = daemonStopHook(async (impairment) => {
    if (options.failingWrite) throw new Error("ProvisionedThroughputExceededException");
    lookup.note(impairment);
    records.set(impairment.containerInstanceArn, impairment);
  }, silentLog);
  const run = (event: TaskStateChangeEvent) =>
    handleTaskStateChange(event, {
      log: silentLog,
      hooks: [hook],
      hostImpairment: lookup,
      notify: async (message) => {
        sent.push(message);
        return [];
      },
    });
  return { records, sent, run };
}

describe("a managed daemon's failed task and the drain it causes", () => {
  it("remembers the daemon's host as draining because of that daemon", async () => {
    const { records, run } = world();

    await run(fixture(DAEMON_STOP));

    const [impairment] = [...records.values()];
    expect(impairment?.daemon).toBe("my-daemon-td");
    expect(impairment?.status).toBe("DRAINING");
    expect(impairment?.problems[0]).toMatch(/^DAEMON — the daemon my-daemon-td stopped: /);
  });

  it("names the daemon in the cause and remediation of a service task stopped by the drain", async () => {
    const { sent, run } = world();
    await run(fixture(DAEMON_STOP));

    await run(fixture(DRAINED_SERVICE_TASK));

    const drained = sent[1];
    expect(drained?.facts).toContainEqual({ label: "Category", value: "platform (instance-drained)" });
    expect(drained?.cause).toMatch(
      /^The managed daemon my-daemon-td failed on \w+, so ECS drained the instance/,
    );
    expect(drained?.remediation[0]).toMatch(
      /because the managed daemon my-daemon-td stopped there: fix the daemon first/,
    );
    expect(drained?.evidence.some((line) => line.includes("DAEMON — the daemon my-daemon-td stopped"))).toBe(
      true,
    );
  });

  it("links the drain even when this container read the host as healthy a moment before", async () => {
    const { sent, run } = world();
    await run(fixture(DRAINED_SERVICE_TASK)); // read before the daemon failed: nothing known, cached

    await run(fixture(DAEMON_STOP));
    await run(fixture(DRAINED_SERVICE_TASK));

    expect(sent[0]?.cause).not.toMatch(/my-daemon-td/);
    expect(sent[2]?.cause).toMatch(/^The managed daemon my-daemon-td failed/);
  });

  it("does not remember a daemon task that was itself stopped by a drain (an effect, not a cause)", async () => {
    const { records, run } = world();
    const drainedDaemon = fixture(DRAINED_SERVICE_TASK);
    drainedDaemon.detail = {
      ...drainedDaemon.detail,
      taskDefinitionArn: "arn:aws:ecs:us-east-2:123456789012:daemon-task-definition/my-daemon-td:1",
    };

    await run(drainedDaemon);

    expect(records.size).toBe(0);
  });

  it("still alerts on the daemon's stop when its host cannot be recorded", async () => {
    const { sent, run } = world({ failingWrite: true });

    const result = await run(fixture(DAEMON_STOP));

    expect(result.status).toBe("diagnosed");
    expect(sent).toHaveLength(1);
  });
});

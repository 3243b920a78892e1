/** Flood control counts stops: the window of their stop times and a few task ARNs. Run against both stores. */
import { expect, it } from "vitest";
import { MAX_DIGEST_TASKS } from "../../../src/shared/notify/store/throttle-window.js";
import type { ThrottleStore, ThrottleSubject } from "../../../src/shared/notify/store/types.js";

export const T0 = Date.parse("2024-05-01T08:00:00Z");
export const W = 10 * 60_000;
const MIN = 60_000;

export const subject: ThrottleSubject = {
  kind: "task-stopped",
  category: "out-of-memory",
  scope: "prod#service:api#out-of-memory",
  group: "service:api",
  severity: "critical",
  service: "api",
  cluster: "prod",
};

export const taskArn = (n: number) =>
  `arn:aws:ecs:us-east-1:123456789012:task/prod/${String(n).padStart(32, "0")}`;

/** The contract both stores keep; the DynamoDB one runs it against moto (test/emulator/state-throttle-stops). */
export function stopCountingContract(make: () => ThrottleStore) {
  it("dates a digest by the counted stops only, not by the stop sent when the window opened", async () => {
    const store = make();
    await store.hit(subject, T0, W, { taskArn: taskArn(0), at: T0 });
    await store.hit(subject, T0 + 2 * MIN, W, { taskArn: taskArn(1), at: T0 + 2 * MIN });
    await store.hit(subject, T0 + 5 * MIN, W, { taskArn: taskArn(2), at: T0 + 5 * MIN });

    const next = await store.hit(subject, T0 + W, W, { taskArn: taskArn(3), at: T0 + W });

    expect(next.verdict === "send" ? next.digest : undefined).toMatchObject({
      count: 2,
      firstStopAt: T0 + 2 * MIN,
      lastStopAt: T0 + 5 * MIN,
      tasks: [taskArn(1), taskArn(2)],
    });
  });

  it("keeps the earliest and latest stop time when stops arrive out of order", async () => {
    const store = make();
    await store.hit(subject, T0, W, { taskArn: taskArn(0), at: T0 });
    for (const [n, minute] of [
      [1, 4],
      [2, 7],
      [3, 1],
      [4, 5],
    ] as const)
      await store.hit(subject, T0 + 8 * MIN, W, { taskArn: taskArn(n), at: T0 + minute * MIN });

    const { digest } = await store.closeDue(
      (await store.duePointers(T0 + W))[0] ?? { throttleKey: "", windowEnd: 0, ref: "" },
      T0 + W,
    );

    expect(digest).toMatchObject({ count: 4, firstStopAt: T0 + 1 * MIN, lastStopAt: T0 + 7 * MIN });
  });

  it(`lists at most ${MAX_DIGEST_TASKS} tasks and still counts all of them`, async () => {
    const store = make();
    await store.hit(subject, T0, W, { taskArn: taskArn(0), at: T0 });
    for (let n = 1; n <= 9; n++)
      await store.hit(subject, T0 + n * 1_000, W, { taskArn: taskArn(n), at: T0 + n * 1_000 });

    const next = await store.hit(subject, T0 + W, W, { taskArn: taskArn(10), at: T0 + W });

    const digest = next.verdict === "send" ? next.digest : undefined;
    expect(digest?.count).toBe(9);
    expect(digest?.tasks).toEqual([1, 2, 3, 4, 5].map(taskArn));
  });
}

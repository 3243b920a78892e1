import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Message } from "../../../src/shared/notify/message.js";
import { teamsPayload } from "../../../src/shared/notify/render/teams-card.js";
import { TeamsRejectedError, TeamsUnavailableError } from "../../../src/shared/notify/transports/errors.js";
import { buildTeamsSender, type TeamsSenderOptions } from "../../../src/shared/notify/transports/teams.js";
import { startTeamsStandin, type TeamsStandin } from "../../support/teams-standin.js";
import { recordingLogger } from "./recording-logger.js";

const message: Message = {
  kind: "task-stopped",
  severity: "critical",
  category: "out-of-memory",
  title: "api: container web ran out of memory",
  cause: "Container web ran out of memory.",
  evidence: [],
  remediation: ["Raise the memory limit"],
  facts: [{ label: "Cluster", value: "prod" }],
  links: [],
};
const payload = teamsPayload(message);

let standin: TeamsStandin;
beforeEach(async () => {
  standin = await startTeamsStandin();
});
afterEach(async () => {
  await standin.close();
});

/** Sleeps are recorded, not waited, and advance a fake invocation clock. */
function fakeTime(remainingMs = 60_000) {
  let elapsed = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    deadline: () => remainingMs - elapsed,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      elapsed += ms;
    },
  };
}

function sender(options: TeamsSenderOptions = {}, remainingMs?: number) {
  const time = fakeTime(remainingMs);
  const logger = recordingLogger();
  const send = buildTeamsSender(standin.url, fetch, {
    deadline: time.deadline,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...options,
  });
  return { send, time, logger };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("Teams Workflows sender", () => {
  it("posts the card, which the stand-in accepts with 202", async () => {
    const { send } = sender();

    await send(payload);

    expect(standin.cards).toEqual([payload.attachments[0].content]);
  });

  it("reads the URL from a resolver (a secret) on each attempt", async () => {
    let reads = 0;
    const send = buildTeamsSender(async () => {
      reads++;
      return standin.url;
    }, fetch);

    await send(payload);

    expect(reads).toBe(1);
    expect(standin.cards).toHaveLength(1);
  });

  it("waits the Retry-After seconds after a 429 and then delivers", async () => {
    standin.throttleNext(1, 2);
    const { send, time } = sender();

    await send(payload);

    expect(time.sleeps).toEqual([2_000]);
    expect(standin.requestCount()).toBe(2);
    expect(standin.cards).toHaveLength(1);
  });

  it("retries 5xx answers with growing jittered delays", async () => {
    standin.failNext(500);
    standin.failNext(503);
    const { send, time } = sender({ baseDelayMs: 100 });

    await send(payload);

    expect(time.sleeps).toEqual([50, 100]);
    expect(standin.cards).toHaveLength(1);
  });

  it("throws TeamsUnavailableError naming the last problem when 5xx persists past the attempts", async () => {
    standin.failNext(502, 10);
    const { send } = sender({ maxAttempts: 3 });

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(TeamsUnavailableError);
    expect((error as TeamsUnavailableError).attempts).toBe(3);
    expect(error.message).toContain("HTTP 502");
    expect(standin.requestCount()).toBe(3);
  });

  it("does not retry a 400 and throws TeamsRejectedError with Teams' error text", async () => {
    const { send, logger } = sender();
    const invalid = structuredClone(payload);
    (invalid.attachments[0].content as { version: string }).version = "0.9";

    const error = await rejection(send(invalid));

    expect(error).toBeInstanceOf(TeamsRejectedError);
    expect((error as TeamsRejectedError).status).toBe(400);
    expect((error as TeamsRejectedError).teamsError).toContain("InvalidRequestContent");
    expect(standin.requestCount()).toBe(1);
    expect(logger.text()).toContain("InvalidRequestContent");
  });

  it("does not retry a 404 of a deleted workflow", async () => {
    standin.failNext(404);
    const { send } = sender();

    const error = await rejection(send(payload));

    expect((error as TeamsRejectedError).status).toBe(404);
    expect(standin.requestCount()).toBe(1);
  });

  it("gives up at once when Retry-After would run past the deadline", async () => {
    standin.throttleNext(5, 30);
    const { send, time } = sender({}, 10_000);

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(TeamsUnavailableError);
    expect(error.message).toContain("HTTP 429");
    expect(time.sleeps).toEqual([]);
    expect(standin.requestCount()).toBe(1);
  });

  it("stops retrying when the remaining invocation time is used up by backoff", async () => {
    standin.failNext(503, 10);
    const { send, time } = sender({ baseDelayMs: 2_000, maxDelayMs: 8_000, maxAttempts: 10 }, 8_000);

    const error = await rejection(send(payload));

    expect(error).toBeInstanceOf(TeamsUnavailableError);
    expect(time.sleeps.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(8_000 - 2_000 - 500);
    expect(standin.requestCount()).toBeLessThan(10);
  });

  it("does not start when the deadline leaves no time for an attempt", async () => {
    const { send } = sender({}, 1_000);

    const error = await rejection(send(payload));

    expect((error as TeamsUnavailableError).attempts).toBe(0);
    expect(standin.requestCount()).toBe(0);
  });

  it("retries a refused connection and names it by its code", async () => {
    const closed = await startTeamsStandin();
    const deadUrl = closed.url;
    await closed.close();
    const logger = recordingLogger();
    const time = fakeTime();
    const send = buildTeamsSender(deadUrl, fetch, { ...time, logger, maxAttempts: 2, random: () => 0 });

    const error = await rejection(send(payload));

    expect((error as TeamsUnavailableError).lastProblem).toBe("ECONNREFUSED");
    expect(time.sleeps).toHaveLength(1);
  });

  it("never puts the webhook URL or its signature in an error or a log line", async () => {
    const problems: Error[] = [];
    const { send, logger } = sender({ maxAttempts: 2 });
    standin.failNext(503, 2);
    problems.push(await rejection(send(payload)));
    standin.failNext(400);
    problems.push(await rejection(send(payload)));
    const unreachable = buildTeamsSender(`http://127.0.0.1:1/x?sig=${standin.signature}`, fetch, {
      ...fakeTime(),
      logger,
      maxAttempts: 1,
    });
    problems.push(await rejection(unreachable(payload)));

    const everything = [logger.text(), ...problems.map((e) => `${e.message} ${e.stack ?? ""}`)].join("\n");

    expect(problems).toHaveLength(3);
    expect(everything).not.toContain(standin.signature);
    expect(everything).not.toContain(standin.url);
  });
});

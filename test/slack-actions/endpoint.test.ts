import { describe, expect, it } from "vitest";
import { handleSlackActionRequest, MAX_BODY_BYTES } from "../../src/shared/slack-actions/endpoint.js";
import { signSlackRequest, slackFormBody } from "../support/slack-signing.js";
import { fixturePayload, NOW_SECONDS, recordingPorts, SECRET, signedRequest } from "./helpers.js";

const rollingBack = { reply: "Rolling back api to api:41…", execute: { claimId: "claim-1" } };

describe("handleSlackActionRequest: a click signed by Slack", () => {
  it("is decided and answered 200 at once; the reply and the execution wait for `after`", async () => {
    const ports = recordingPorts(rollingBack);

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);

    expect(outcome.status).toBe(200);
    expect(outcome.body).toBe("");
    expect(ports.clicks).toHaveLength(1);
    expect(ports.clicks[0]).toMatchObject({ kind: "rollback", userId: "U0CA5AMY", channel: "C0CA5OPS" });
    expect(ports.events).toEqual(["secret", "decide"]);

    await outcome.after();

    expect(ports.deferred).toEqual([{ claimId: "claim-1" }]);
    expect(ports.replies).toEqual([
      {
        url: "https://hooks.slack.com/actions/T0CAG7XYZ/1509734234/BD6uCjnmHnq6a7IrUyCEmZsw",
        text: "Rolling back api to api:41…",
      },
    ]);
  });

  it("logs the acknowledgement with ackMs measured on the clock", async () => {
    const ports = recordingPorts(rollingBack);
    let now = NOW_SECONDS * 1000;
    ports.deps.clock = () => now;
    ports.deps.decide = async () => {
      now += 140;
      return rollingBack;
    };

    await handleSlackActionRequest(signedRequest(), ports.deps);

    const ack = ports.log.lines.find((line) => line.message === "Slack action acknowledged");
    expect(ack?.fields).toMatchObject({
      ackMs: 140,
      action: "rollback",
      user: "U0CA5AMY",
      claimId: "claim-1",
    });
  });

  it("defers nothing and only replies when the decision has nothing to execute (not allowed)", async () => {
    const ports = recordingPorts({ reply: "Not allowed: you are not an approver of api" });

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);
    await outcome.after();

    expect(outcome.status).toBe(200);
    expect(ports.deferred).toEqual([]);
    expect(ports.replies.map((reply) => reply.text)).toEqual(["Not allowed: you are not an approver of api"]);
  });

  it("still verifies and decides Slack's retries, and logs the retry number", async () => {
    const ports = recordingPorts(rollingBack);
    const request = signedRequest();
    const retried = {
      ...request,
      headers: { ...request.headers, "x-slack-retry-num": "2", "x-slack-retry-reason": "http_timeout" },
    };

    const outcome = await handleSlackActionRequest(retried, ports.deps);

    expect(outcome.status).toBe(200);
    expect(ports.clicks).toHaveLength(1);
    const clicked = ports.log.lines.find((line) => line.message === "Slack action clicked");
    expect(clicked?.fields).toMatchObject({ retryNum: 2, retryReason: "http_timeout" });
  });

  it("answers 200 with an ephemeral 'could not act' when decide throws, and logs the error", async () => {
    const ports = recordingPorts(async () => {
      throw new Error("ProvisionedThroughputExceededException: the state table is throttled");
    });

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);
    await outcome.after();

    expect(outcome.status).toBe(200);
    expect(ports.deferred).toEqual([]);
    expect(ports.replies.map((reply) => reply.text)).toEqual([
      "could not act: ProvisionedThroughputExceededException: the state table is throttled",
    ]);
    expect(ports.log.lines.filter((line) => line.level === "error").map((line) => line.message)).toEqual([
      "Slack action could not be decided",
    ]);
  });

  it("tells the clicker when the claimed action could not be handed over, and never throws from after", async () => {
    const ports = recordingPorts(rollingBack);
    ports.deps.defer = async () => {
      throw new Error("TooManyRequestsException: Rate exceeded");
    };

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);
    await expect(outcome.after()).resolves.toBeUndefined();

    expect(ports.replies.map((reply) => reply.text)).toContain(
      "could not start the action: TooManyRequestsException: Rate exceeded",
    );
    expect(ports.log.lines.find((line) => line.level === "error")?.fields).toMatchObject({
      claimId: "claim-1",
    });
  });

  it("logs, and does not throw, when the ephemeral reply fails", async () => {
    const ports = recordingPorts(rollingBack);
    ports.deps.respond = async () => {
      throw new Error("Slack answered 404");
    };

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);
    await expect(outcome.after()).resolves.toBeUndefined();

    expect(ports.deferred).toEqual([{ claimId: "claim-1" }]);
    expect(ports.log.text()).toContain("Slack action reply not sent");
  });
});

describe("handleSlackActionRequest: what is refused before anything happens", () => {
  it("answers 401 to a forged signature: decide is never called, one log line with the reason", async () => {
    const ports = recordingPorts(rollingBack);
    const request = signedRequest();
    const forged = {
      ...request,
      headers: { ...request.headers, "x-slack-signature": `v0=${"0".repeat(64)}` },
    };

    const outcome = await handleSlackActionRequest(forged, ports.deps);
    await outcome.after();

    expect(outcome).toMatchObject({ status: 401, body: "invalid signature" });
    expect(ports.events).toEqual(["secret"]);
    expect(ports.log.lines).toHaveLength(1);
    expect(ports.log.lines[0]).toMatchObject({ level: "warn", fields: { reason: "signature-mismatch" } });
    expect(ports.log.text()).not.toContain(SECRET);
    expect(ports.log.text()).not.toContain("payload");
    expect(ports.log.text()).not.toContain("U0CA5AMY");
  });

  it("answers 401 to a body tampered with after signing (an edited button value)", async () => {
    const ports = recordingPorts(rollingBack);
    const request = signedRequest();
    const edited = fixturePayload();
    (edited.actions as { value: string }[])[0] = {
      ...(edited.actions as object[])[0],
      value: "card:another-service",
    } as { value: string };

    const outcome = await handleSlackActionRequest({ ...request, body: slackFormBody(edited) }, ports.deps);

    expect(outcome.status).toBe(401);
    expect(ports.clicks).toEqual([]);
  });

  it("answers 401 to a replay 5 minutes and 1 second old, and to a timestamp from the future", async () => {
    for (const [timestamp, reason] of [
      [NOW_SECONDS - 301, "stale-timestamp"],
      [NOW_SECONDS + 301, "future-timestamp"],
    ] as const) {
      const ports = recordingPorts(rollingBack);

      const outcome = await handleSlackActionRequest(signedRequest(fixturePayload(), timestamp), ports.deps);

      expect(outcome.status).toBe(401);
      expect(ports.clicks).toEqual([]);
      expect(ports.log.lines[0]?.fields).toMatchObject({ reason });
    }
  });

  it("answers 401 without the signing headers and with a v1= signature", async () => {
    const request = signedRequest();
    const { "x-slack-signature": signature, "x-slack-request-timestamp": _ts, ...bare } = request.headers;
    for (const headers of [
      bare,
      { ...request.headers, "x-slack-signature": signature.replace("v0=", "v1=") },
    ]) {
      const ports = recordingPorts(rollingBack);

      const outcome = await handleSlackActionRequest({ ...request, headers }, ports.deps);

      expect(outcome.status).toBe(401);
      expect(ports.clicks).toEqual([]);
    }
  });

  it("answers 413 to a body over 64 KiB without reading the secret (no HMAC computed)", async () => {
    const ports = recordingPorts(rollingBack);
    const body = `payload=${"a".repeat(MAX_BODY_BYTES)}`;
    const request = {
      method: "POST",
      path: "/slack/actions",
      headers: signSlackRequest(body, SECRET, NOW_SECONDS),
      body,
    };

    const outcome = await handleSlackActionRequest(request, ports.deps);

    expect(outcome.status).toBe(413);
    expect(ports.secretReads()).toBe(0);
    expect(ports.events).toEqual([]);
  });

  it("accepts a body of exactly 64 KiB as far as the size goes", async () => {
    const ports = recordingPorts(rollingBack);
    const body = `payload=${"a".repeat(MAX_BODY_BYTES - "payload=".length)}`;
    const request = {
      method: "POST",
      path: "/slack/actions",
      headers: signSlackRequest(body, SECRET, NOW_SECONDS),
      body,
    };

    const outcome = await handleSlackActionRequest(request, ports.deps);

    expect(outcome.status).toBe(400);
    expect(ports.secretReads()).toBe(1);
  });

  it("answers 405 to a GET and 404 to another path, before reading the secret", async () => {
    const ports = recordingPorts(rollingBack);

    const get = await handleSlackActionRequest({ ...signedRequest(), method: "GET" }, ports.deps);
    const other = await handleSlackActionRequest({ ...signedRequest(), path: "/admin" }, ports.deps);

    expect(get).toMatchObject({ status: 405, headers: { allow: "POST" } });
    expect(other.status).toBe(404);
    expect(ports.events).toEqual([]);
  });

  it("answers 400 to a signed but malformed payload, without deciding", async () => {
    const ports = recordingPorts(rollingBack);
    const body = "payload=%7Bnot-json";
    const request = {
      method: "POST",
      path: "/slack/actions",
      headers: signSlackRequest(body, SECRET, NOW_SECONDS),
      body,
    };

    const outcome = await handleSlackActionRequest(request, ports.deps);

    expect(outcome).toMatchObject({ status: 400, body: "malformed payload" });
    expect(ports.clicks).toEqual([]);
  });

  it("answers 200 with nothing to a signed payload that is not ours, without deciding", async () => {
    const ports = recordingPorts(rollingBack);

    const outcome = await handleSlackActionRequest(
      signedRequest({ type: "view_submission", user: { id: "U1" } }),
      ports.deps,
    );
    await outcome.after();

    expect(outcome).toMatchObject({ status: 200, body: "" });
    expect(ports.events).toEqual(["secret"]);
  });

  it("answers 503 when the signing secret cannot be read, and decides nothing", async () => {
    const ports = recordingPorts(rollingBack);
    ports.deps.signingSecret = async () => {
      throw new Error("ResourceNotFoundException: Secrets Manager can't find the specified secret");
    };

    const outcome = await handleSlackActionRequest(signedRequest(), ports.deps);

    expect(outcome.status).toBe(503);
    expect(ports.clicks).toEqual([]);
  });
});

describe("handleSlackActionRequest: bodies that are not a Slack form", () => {
  const jsonRequest = (contentType: string) => {
    const body = JSON.stringify(fixturePayload());
    const headers = { ...signSlackRequest(body, SECRET, NOW_SECONDS), "content-type": contentType };
    return { method: "POST", path: "/slack/actions", headers, body };
  };

  it("answers 415 to a JSON body, before reading the secret or the body", async () => {
    const ports = recordingPorts(rollingBack);

    const outcome = await handleSlackActionRequest(jsonRequest("application/json"), ports.deps);

    expect(outcome).toMatchObject({ status: 415, refusal: "bad-request" });
    expect(ports.secretReads()).toBe(0);
    expect(ports.clicks).toEqual([]);
  });

  it("answers 415 without a content type, or with two", async () => {
    const { "content-type": _form, ...bare } = signedRequest().headers;
    const twice = { ...signedRequest().headers, "Content-Type": "application/x-www-form-urlencoded" };
    for (const headers of [bare, twice]) {
      const ports = recordingPorts(rollingBack);

      const outcome = await handleSlackActionRequest({ ...signedRequest(), headers }, ports.deps);

      expect(outcome.status).toBe(415);
      expect(ports.events).toEqual([]);
    }
  });

  it("accepts the form content type with parameters and in any case", async () => {
    const ports = recordingPorts(rollingBack);
    const request = signedRequest();
    const headers = {
      ...request.headers,
      "content-type": "Application/X-WWW-Form-URLEncoded; charset=utf-8",
    };

    const outcome = await handleSlackActionRequest({ ...request, headers }, ports.deps);

    expect(outcome.status).toBe(200);
    expect(ports.clicks).toHaveLength(1);
  });

  it("answers 400 to a signed JSON body labelled as a form, without deciding", async () => {
    const ports = recordingPorts(rollingBack);

    const outcome = await handleSlackActionRequest(
      jsonRequest("application/x-www-form-urlencoded"),
      ports.deps,
    );

    expect(outcome).toMatchObject({ status: 400, refusal: "bad-request" });
    expect(ports.clicks).toEqual([]);
  });

  it("answers 200 and decides nothing for a signed click on an action id it does not know", async () => {
    const ports = recordingPorts(rollingBack);
    const payload = fixturePayload();
    (payload.actions as { action_id: string }[])[0] = {
      ...(payload.actions as object[])[0],
      action_id: "ecs-sentinel.delete-cluster",
    } as { action_id: string };

    const outcome = await handleSlackActionRequest(signedRequest(payload), ports.deps);

    expect(outcome).toMatchObject({ status: 200, body: "" });
    expect(outcome.refusal).toBeUndefined();
    expect(ports.clicks).toEqual([]);
  });

  it("never logs the secret, the response_url, the token or the payload, whatever it refuses", async () => {
    const ports = recordingPorts(rollingBack);
    const request = signedRequest();
    const refused = [
      { ...request, headers: { ...request.headers, "x-slack-signature": `v0=${"0".repeat(64)}` } },
      signedRequest(fixturePayload(), NOW_SECONDS - 600),
      jsonRequest("application/json"),
      jsonRequest("application/x-www-form-urlencoded"),
      { ...request, method: "PUT" },
    ];

    for (const attempt of refused) await handleSlackActionRequest(attempt, ports.deps);

    const logged = ports.log.text();
    expect(ports.log.lines.length).toBeGreaterThan(0);
    for (const secretOrPayload of [SECRET, "hooks.slack.com", "Shh_its_a_seekrit", "block_actions", "card:"])
      expect(logged).not.toContain(secretOrPayload);
  });
});

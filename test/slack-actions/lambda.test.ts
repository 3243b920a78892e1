import type { LambdaFunctionURLEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { configuredActionService } from "../../src/app/slack-action-service.js";
import { buildSlackActionsHandler, slackActionsLambda } from "../../src/app/slack-actions.js";
import type { ClaimRef } from "../../src/shared/slack-actions/types.js";
import { signSlackRequest, slackFormBody } from "../support/slack-signing.js";
import { fixturePayload, NOW_SECONDS, recordingPorts, SECRET } from "./helpers.js";

/** A Function URL request (payload format 2.0), shaped like AWS's documented example. */
function urlEvent(
  body: string,
  options: { base64?: boolean; method?: string; path?: string; headers?: Record<string, string> } = {},
): LambdaFunctionURLEvent {
  const path = options.path ?? "/slack/actions";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      "x-amzn-tls-version": "TLSv1.3",
      "x-forwarded-proto": "https",
      "x-forwarded-port": "443",
      "x-forwarded-for": "34.203.1.10",
      host: "abcdefghijklmnop.lambda-url.us-east-1.on.aws",
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      ...(options.headers ?? signSlackRequest(body, SECRET, NOW_SECONDS)),
    },
    requestContext: {
      accountId: "anonymous",
      apiId: "abcdefghijklmnop",
      domainName: "abcdefghijklmnop.lambda-url.us-east-1.on.aws",
      domainPrefix: "abcdefghijklmnop",
      http: {
        method: options.method ?? "POST",
        path,
        protocol: "HTTP/1.1",
        sourceIp: "34.203.1.10",
        userAgent: "Slackbot 1.0 (+https://api.slack.com/robots)",
      },
      requestId: "c0a2b0b1-2a8c-4b7b-9b1e-4d7e1f0a8b3c",
      routeKey: "$default",
      stage: "$default",
      time: "26/Dec/2025:10:42:11 +0000",
      timeEpoch: NOW_SECONDS * 1000,
    },
    body: options.base64 ? Buffer.from(body, "utf8").toString("base64") : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

function lambdaWith(decision = { reply: "Rolling back api…", execute: { claimId: "claim-7" } }) {
  const ports = recordingPorts(decision);
  const executed: ClaimRef[] = [];
  const handler = buildSlackActionsHandler({
    ...ports.deps,
    execute: async (claim) => {
      executed.push(claim);
    },
  });
  return { handler, ports, executed };
}

describe("the slackActions Lambda (Function URL)", () => {
  it("verifies a base64-encoded body as the bytes Slack signed, and answers 200", async () => {
    const { handler, ports } = lambdaWith();
    const body = slackFormBody(fixturePayload());

    const result = await handler(urlEvent(body, { base64: true }));

    expect(result).toMatchObject({ statusCode: 200, body: "", isBase64Encoded: false });
    expect(ports.clicks).toHaveLength(1);
  });

  it("verifies the decoded bytes as received, even bytes that are not UTF-8 (never a re-decoded string)", async () => {
    const { handler, ports } = lambdaWith();
    const bytes = Buffer.concat([
      Buffer.from(`${slackFormBody(fixturePayload())}&pad=`, "utf8"),
      Buffer.from([0xff, 0xfe]),
    ]);
    const event = urlEvent("", { headers: signSlackRequest(bytes, SECRET, NOW_SECONDS) });

    const result = await handler({ ...event, body: bytes.toString("base64"), isBase64Encoded: true });

    expect(result?.statusCode).toBe(200);
    expect(ports.clicks).toHaveLength(1);
  });

  it("refuses a base64 body signed over its base64 text rather than its bytes", async () => {
    const { handler, ports } = lambdaWith();
    const encoded = Buffer.from(slackFormBody(fixturePayload()), "utf8").toString("base64");
    const event = urlEvent("", { headers: signSlackRequest(encoded, SECRET, NOW_SECONDS) });

    const result = await handler({ ...event, body: encoded, isBase64Encoded: true });

    expect(result?.statusCode).toBe(401);
    expect(ports.clicks).toEqual([]);
  });

  it("runs the reply and the hand-over before returning (a Function URL answers on return)", async () => {
    const { handler, ports } = lambdaWith();

    await handler(urlEvent(slackFormBody(fixturePayload())));

    expect(ports.events).toEqual(["secret", "decide", "respond", "defer"]);
  });

  it("answers at the Function URL's root and at /slack/actions, and 404 elsewhere", async () => {
    const { handler } = lambdaWith();
    const body = slackFormBody(fixturePayload());

    const root = await handler(urlEvent(body, { path: "/" }));
    const other = await handler(urlEvent(body, { path: "/other" }));

    expect(root?.statusCode).toBe(200);
    expect(other?.statusCode).toBe(404);
  });

  it("answers 401 to a forged request and 405 to a GET", async () => {
    const { handler, ports } = lambdaWith();
    const body = slackFormBody(fixturePayload());
    const forged = signSlackRequest(body, "ffffffffffffffffffffffffffffffff", NOW_SECONDS);

    const unsigned = await handler(urlEvent(body, { headers: forged }));
    const get = await handler(urlEvent("", { method: "GET" }));

    expect(unsigned).toMatchObject({ statusCode: 401, body: "invalid signature" });
    expect(get?.statusCode).toBe(405);
    expect(ports.clicks).toEqual([]);
  });

  it("executes the claim of its own asynchronous invocation", async () => {
    const { handler, executed, ports } = lambdaWith();

    const result = await handler({ kind: "execute-slack-action", claimId: "claim-7" });

    expect(result).toBeUndefined();
    expect(executed).toEqual([{ claimId: "claim-7" }]);
    expect(ports.clicks).toEqual([]);
  });

  it("throws an execution failure so Lambda retries the asynchronous event, and logs it", async () => {
    const ports = recordingPorts({ reply: "" });
    const handler = buildSlackActionsHandler({
      ...ports.deps,
      execute: async () => {
        throw new Error("ServerException: ECS is unavailable");
      },
    });

    await expect(handler({ kind: "execute-slack-action", claimId: "claim-7" })).rejects.toThrow(
      "ECS is unavailable",
    );
    expect(ports.log.lines.find((line) => line.level === "error")?.fields).toMatchObject({
      claimId: "claim-7",
    });
  });

  it("drops anything else with one log line (an EventBridge event, a bad claim id, null)", async () => {
    const { handler, executed, ports } = lambdaWith();
    const events = [
      { "detail-type": "ECS Task State Change", source: "aws.ecs", detail: {} },
      { kind: "execute-slack-action", claimId: "" },
      { kind: "execute-slack-action", claimId: "a b" },
      { kind: "execute-slack-action", claimId: "c", requestContext: { http: undefined } },
      null,
    ];

    for (const event of events) await expect(handler(event)).resolves.toBeUndefined();

    expect(executed).toEqual([{ claimId: "c" }]);
    expect(ports.log.lines.filter((line) => line.level === "warn")).toHaveLength(4);
  });
});

describe("slackActionsLambda (the deployed composition)", () => {
  const context = { getRemainingTimeInMillis: () => 10_000 } as never;
  const service = () => ({ decide: async () => ({ reply: "ok" }), execute: async () => {} });
  const env = {
    SLACK_SIGNING_SECRET: SECRET,
    AWS_LAMBDA_FUNCTION_NAME: "ecs-sentinel-dev-slackActions",
    AWS_REGION: "us-east-1",
  };

  it("refuses to start without approvers or app mode, naming what is missing (no pretend actions)", async () => {
    const handler = slackActionsLambda(configuredActionService, env);

    await expect(handler(urlEvent("payload=x"), context)).rejects.toThrow(
      /Slack buttons need SLACK_APPROVERS/,
    );
  });

  it("refuses to start without a signing secret, naming both variables", async () => {
    const handler = slackActionsLambda(service, { ...env, SLACK_SIGNING_SECRET: undefined });

    await expect(handler(urlEvent("payload=x"), context)).rejects.toThrow(
      /SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_FROM/,
    );
  });

  it("refuses a malformed signing secret without echoing it", async () => {
    const handler = slackActionsLambda(service, { ...env, SLACK_SIGNING_SECRET: "not-the-secret-hunter2" });

    const error = (await handler(urlEvent("payload=x"), context).catch((e: unknown) => e)) as Error;

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.message).not.toContain("hunter2");
  });

  it("serves a request signed now once configured (real clock)", async () => {
    const handler = slackActionsLambda(service, env);
    const body = slackFormBody({ type: "view_closed", user: { id: "U1" } });
    const headers = signSlackRequest(body, SECRET, Date.now() / 1000);

    const result = await handler(urlEvent(body, { headers }), context);

    expect(result?.statusCode).toBe(200);
  });
});

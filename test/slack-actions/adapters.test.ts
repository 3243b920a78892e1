import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { buildResponder, ResponseUrlError } from "../../src/shared/slack-actions/response-url.js";
import { SelfInvokeError, selfInvokeDefer } from "../../src/shared/slack-actions/self-invoke.js";
import { signingSecretSource, validateSigningSecret } from "../../src/shared/slack-actions/signing-secret.js";
import { recordingLog } from "./helpers.js";

describe("the response_url responder", () => {
  const servers: { close: () => void }[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  /** A local response_url that answers with the given statuses in turn and records what it received. */
  async function responseUrl(statuses: number[]) {
    const received: { headers: IncomingMessage["headers"]; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      req.on("end", () => {
        received.push({ headers: req.headers, body });
        res.writeHead(statuses.shift() ?? 200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/actions/T1/123/abc`, received };
  }

  it("posts an ephemeral JSON answer that leaves the original message alone", async () => {
    const target = await responseUrl([200]);
    const respond = buildResponder({ fetch, log: recordingLog() });

    await respond(target.url, "Rolling back api to api:41…");

    expect(target.received).toHaveLength(1);
    expect(target.received[0]?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(target.received[0]?.body ?? "")).toEqual({
      response_type: "ephemeral",
      replace_original: false,
      text: "Rolling back api to api:41…",
    });
  });

  it("tries once more after a 5xx, and throws when Slack refuses (404: expired response_url)", async () => {
    const retried = await responseUrl([503, 200]);
    const refused = await responseUrl([404, 200]);
    const respond = buildResponder({ fetch, log: recordingLog() });

    await respond(retried.url, "hello");
    await expect(respond(refused.url, "hello")).rejects.toBeInstanceOf(ResponseUrlError);

    expect(retried.received).toHaveLength(2);
    expect(refused.received).toHaveLength(1);
  });

  it("refuses to post to anything but hooks.slack.com over https (or loopback http), without a request", async () => {
    const calls: string[] = [];
    const recordingFetch = (async (url: URL | string) => {
      calls.push(String(url));
      return new Response("ok");
    }) as typeof fetch;
    const respond = buildResponder({ fetch: recordingFetch, log: recordingLog() });
    const refused = [
      "https://evil.example.com/actions/T1/1/a",
      "http://hooks.slack.com/actions/T1/1/a",
      "https://hooks.slack.com.evil.example/actions",
      "https://user:pw@hooks.slack.com/actions/T1/1/a",
      "https://hooks.slack.com:8443/actions/T1/1/a",
      "http://169.254.169.254/latest/meta-data/",
      "not a url",
    ];

    for (const url of refused) await expect(respond(url, "hi"), url).rejects.toBeInstanceOf(ResponseUrlError);
    await respond("https://hooks.slack.com/actions/T1/1/a", "hi");

    expect(calls).toEqual(["https://hooks.slack.com/actions/T1/1/a"]);
  });
});

describe("the asynchronous self-invocation (defer in Lambda)", () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());

  it("invokes the function itself with InvocationType Event and the claim id only", async () => {
    // Invoke's documented answer to an asynchronous invocation: StatusCode 202, empty payload.
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const defer = selfInvokeDefer(
      () => new LambdaClient({ region: "us-east-1" }),
      "ecs-sentinel-dev-slackActions",
    );

    await defer({ claimId: "claim-9" });

    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({ FunctionName: "ecs-sentinel-dev-slackActions", InvocationType: "Event" });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual({
      kind: "execute-slack-action",
      claimId: "claim-9",
    });
  });

  it("throws SelfInvokeError when Lambda does not accept the event", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    const defer = selfInvokeDefer(() => new LambdaClient({ region: "us-east-1" }), "fn");

    await expect(defer({ claimId: "claim-9" })).rejects.toBeInstanceOf(SelfInvokeError);
  });
});

describe("the signing secret setting", () => {
  it("accepts 32 hex characters (upper case normalised)", () => {
    expect(validateSigningSecret(" 0123456789ABCDEF0123456789abcdef\n")).toBe(
      "0123456789abcdef0123456789abcdef",
    );
  });

  it("refuses anything else, saying what it looks like and never what it is", () => {
    const cases = [
      "xoxb-1234-5678-abcdefsecret",
      "0123456789abcdef",
      "'0123456789abcdef0123456789abcdef'",
      "g".repeat(32),
    ];
    for (const value of cases) {
      const error = (() => {
        try {
          validateSigningSecret(value);
        } catch (e) {
          return e as Error;
        }
        return undefined;
      })();

      expect(error?.name, value).toBe("SigningSecretError");
      expect(error?.message).not.toContain(value);
    }
  });

  it("reads SLACK_SIGNING_SECRET_FROM from Secrets Manager as JSON {signingSecret}", async () => {
    const source = signingSecretSource(
      { SLACK_SIGNING_SECRET_FROM: "ecs-sentinel/slack" },
      {
        secretsManager: () =>
          ({
            send: async () => ({
              SecretString: JSON.stringify({ signingSecret: "abcdefabcdefabcdefabcdefabcdefab" }),
            }),
          }) as never,
        ssm: () => ({ send: async () => ({}) }) as never,
      },
    );

    await expect(source?.()).resolves.toBe("abcdefabcdefabcdefabcdefabcdefab");
  });
});

import { CreateSecretCommand } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { secretsClient, ssmClient } from "../../src/app/aws.js";
import { buildSlackNotifier } from "../../src/shared/notify/transports/slack.js";
import { webhookUrlSource } from "../../src/shared/notify/webhook-secret.js";
import { type SlackServer, startSlackServer, WEBHOOK_PATH } from "../support/slack-server.js";

let server: SlackServer;
beforeAll(async () => {
  server = await startSlackServer();
});
afterAll(async () => {
  await server.close();
});

const deps = { secretsManager: secretsClient, ssm: ssmClient };
const payload = { text: "hello", blocks: [] };

describe("Slack webhook URL from a secret (moto)", () => {
  it("posts to the URL stored as JSON in Secrets Manager", async () => {
    await (await secretsClient()).send(
      new CreateSecretCommand({
        Name: "ecs-sentinel/slack",
        SecretString: JSON.stringify({ url: server.url }),
      }),
    );
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "ecs-sentinel/slack" }, deps);
    if (!source) throw new Error("no source");

    await buildSlackNotifier(source, fetch)(payload);

    expect(server.requests.at(-1)?.path).toBe(WEBHOOK_PATH);
  });

  it("posts to the URL stored as an SSM SecureString", async () => {
    await (await ssmClient()).send(
      new PutParameterCommand({ Name: "/ecs-sentinel/slack", Value: server.url, Type: "SecureString" }),
    );
    const source = webhookUrlSource({ SLACK_WEBHOOK_SECRET: "ssm:/ecs-sentinel/slack" }, deps);
    if (!source) throw new Error("no source");
    const before = server.requests.length;

    await buildSlackNotifier(source, fetch)(payload);

    expect(server.requests.length).toBe(before + 1);
  });
});

/** `ecs-sentinel history` with the state table mocked at the SDK (the emulator test reads a real one). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { runHistory } from "../../src/cli/history.js";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../support/cli-io.js";

const NOW = Date.parse("2024-05-02T10:00:00Z");
const documents = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" }));

function item(taskId: string, stoppedAt: string, category: string, service = "api") {
  return {
    pk: `history#prod#service:${service}`,
    sk: `${stoppedAt}#${taskId}`,
    cluster: "prod",
    group: `service:${service}`,
    taskArn: `arn:aws:ecs:us-east-1:123456789012:task/prod/${taskId}`,
    taskId,
    stoppedAt,
    category,
    subCause: category === "out-of-memory" ? "container-oom-killed" : "exit-nonzero",
    severity: "critical",
    title: `Container \`web\` stopped (${taskId})`,
    expiresAt: NOW / 1000 + 86_400,
  };
}

function io(env: Record<string, string> = { STATE_TABLE: "state" }) {
  const captured = captureIo();
  captured.env = env;
  return captured;
}

beforeEach(() => documents.reset());

describe("ecs-sentinel history", () => {
  it("prints the recent stops by category, most frequent first", async () => {
    // The store asks newest first.
    documents.on(QueryCommand).resolves({
      Items: [
        item("t3", "2024-05-02T09:30:00.000Z", "out-of-memory"),
        item("t2", "2024-05-02T09:00:00.000Z", "app-exit", "worker"),
        item("t1", "2024-05-02T08:12:00.000Z", "out-of-memory"),
      ],
    });
    const out = io();

    const status = await runHistory(["--cluster", "prod"], out, { client, now: () => NOW });

    expect(status).toBe(0);
    expect(out.out()).toBe(
      [
        "3 stops in cluster prod since 2024-05-01 10:00 UTC (24 h)",
        "",
        "out-of-memory · 2 stops · critical",
        "  last:     2024-05-02 09:30 UTC  Container `web` stopped (t3)",
        "  first:    2024-05-02 08:12 UTC",
        "  services: api 2",
        "  causes:   container-oom-killed 2",
        "",
        "app-exit · 1 stop · critical",
        "  last:     2024-05-02 09:00 UTC  Container `web` stopped (t2)",
        "  first:    2024-05-02 09:00 UTC",
        "  services: worker 1",
        "  causes:   exit-nonzero 1",
        "",
      ].join("\n"),
    );
  });

  it("queries the service's partition from the given time when --service and --since are given", async () => {
    documents.on(QueryCommand).resolves({ Items: [] });

    await runHistory(["--cluster", "prod", "--service", "api", "--since", "90m"], io(), {
      client,
      now: () => NOW,
    });

    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: "state",
      ExpressionAttributeValues: { ":pk": "history#prod#service:api", ":since": "2024-05-02T08:30:00.000Z" },
    });
  });

  it("reads the default cluster when none is given", async () => {
    documents.on(QueryCommand).resolves({ Items: [] });
    const out = io();

    await runHistory([], out, { client, now: () => NOW });

    expect(documents.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ":pk": "history#default",
    });
    expect(out.out()).toBe("No stops recorded in cluster default since 2024-05-01 10:00 UTC (24 h).\n");
  });

  it("prints one JSON document with --json", async () => {
    documents.on(QueryCommand).resolves({ Items: [item("t1", "2024-05-02T08:12:00.000Z", "out-of-memory")] });
    const out = io();

    await runHistory(["--cluster", "prod", "--json"], out, { client, now: () => NOW });

    const document = JSON.parse(out.out());
    expect(document).toMatchObject({
      cluster: "prod",
      service: null,
      since: "2024-05-01T10:00:00.000Z",
      stops: 1,
      categories: [{ category: "out-of-memory", count: 1, groups: [{ name: "api", count: 1 }] }],
    });
  });

  it("exits 2 with one line for a --since it cannot read", async () => {
    const out = io();

    const status = await main(["history", "--since", "yesterday"], out);

    expect(status).toBe(2);
    expect(out.err().split("\n")[0]).toBe(
      'ecs-sentinel history: --since must be a duration such as 90m, 24h or 7d, got "yesterday"',
    );
  });

  it("exits 2 when STATE_TABLE is not set", async () => {
    const out = io({});

    const status = await main(["history"], out);

    expect(status).toBe(2);
    expect(out.err()).toContain("ecs-sentinel history: STATE_TABLE is not set");
  });

  it("exits 2 for an unknown option", async () => {
    expect(await main(["history", "--clutser", "prod"], io())).toBe(2);
  });

  it("exits 1 with one line when the table cannot be read", async () => {
    documents.on(QueryCommand).rejects(
      Object.assign(new Error("Requested resource not found\nTable: state"), {
        name: "ResourceNotFoundException",
      }),
    );
    const out = io();

    const status = await main(["history"], out);

    expect(status).toBe(1);
    expect(out.err()).toBe(
      "ecs-sentinel history: could not read table state: ResourceNotFoundException: Requested resource not found " +
        "Table: state\n",
    );
  });
});

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalSetupError, localSetup, readStateDefinitions } from "../../src/cli/local-stack.js";

const projectWith = (stateYaml: string): string => {
  const root = mkdtempSync(join(tmpdir(), "local-setup-"));
  mkdirSync(join(root, "infra"));
  writeFileSync(join(root, "serverless.yml"), "service: demo\n");
  writeFileSync(join(root, "infra", "state.yml"), stateYaml);
  return root;
};

describe("readStateDefinitions", () => {
  it("translates the stack's state table into CreateTable input named like the stack names it", () => {
    const { table } = readStateDefinitions({ stage: "prod" });

    expect(table).toEqual({
      TableName: "ecs-sentinel-prod-state",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    });
  });

  it("reads the TTL attribute and the topic name from the same definitions", () => {
    const definitions = readStateDefinitions();

    expect(definitions.timeToLiveAttribute).toBe("expiresAt");
    expect(definitions.topic.Name).toBe("ecs-sentinel-dev-notify");
  });

  it("refuses short-form CloudFormation tags it cannot read", () => {
    const root = projectWith(
      "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub x\n",
    );

    expect(() => readStateDefinitions({ projectRoot: root })).toThrow(LocalSetupError);
  });

  it("refuses a table name with a variable it cannot resolve", () => {
    const root = projectWith(
      [
        "Resources:",
        "  T:",
        "    Type: AWS::DynamoDB::Table",
        "    Properties:",
        "      TableName: $" + "{param:tableName}",
        "  N:",
        "    Type: AWS::SNS::Topic",
        "    Properties:",
        `      TopicName: \${self:service}-\${sls:stage}-notify`,
        "",
      ].join("\n"),
    );

    expect(() => readStateDefinitions({ projectRoot: root })).toThrow(/unsupported variable/);
  });
});

describe("localSetup without an emulator endpoint", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    for (const name of Object.keys(process.env))
      if (name.startsWith("AWS_ENDPOINT_URL")) delete process.env[name];
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  it("refuses to create anything in real AWS", async () => {
    await expect(localSetup()).rejects.toThrow(/set AWS_ENDPOINT_URL/);
  });
});

/**
 * `ecs-sentinel local-setup`: creates the stack's state table and notification topic in an emulator, from
 * the same CloudFormation definitions the deployed stack uses (infra/state.yml), so local runs and the
 * deployed stack cannot drift apart. Idempotent: a second run reuses what the first created.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  type KeySchemaElement,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { CreateTopicCommand, type CreateTopicCommandInput } from "@aws-sdk/client-sns";
import { parseDocument } from "yaml";
import { dynamoClient } from "../app/aws.js";
import { snsClient } from "../app/aws-sns.js";

export class LocalSetupError extends Error {
  override readonly name = "LocalSetupError";
}

export interface LocalSetupOptions {
  /** Stage whose names to use, as `serverless deploy --stage`; default `dev`. */
  stage?: string;
  /** Folder holding serverless.yml and infra/; default: this package's root. */
  projectRoot?: string;
}

export interface LocalSetupResult {
  stateTable: string;
  topicArn: string;
}

export interface StateDefinitions {
  table: CreateTableCommandInput & { TableName: string };
  /** Attribute that expires items, when the table defines TTL. */
  timeToLiveAttribute?: string;
  topic: CreateTopicCommandInput;
}

interface CfnResource {
  Type?: string;
  Properties?: Record<string, unknown>;
}

/**
 * The package root: the bundled dist/cli.js sits one level below it, src/cli/local-stack.ts two levels. The
 * nearer folder holding serverless.yml wins; without one (an installed package) it is the folder one level up.
 */
const defaultProjectRoot = () => {
  const candidates = [new URL("..", import.meta.url), new URL("../..", import.meta.url)].map((url) =>
    fileURLToPath(url),
  );
  return candidates.find((dir) => existsSync(join(dir, "serverless.yml"))) ?? (candidates[0] as string);
};

function readYaml(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new LocalSetupError(`cannot read ${path}: ${(error as Error).message}`);
  }
  // Short-form CloudFormation tags (!Ref, !Sub) would silently become plain strings: refuse them loudly.
  const document = parseDocument(text, { prettyErrors: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    const details = problems.map((problem) => problem.message).join("; ");
    throw new LocalSetupError(`cannot parse ${path} (use long-form intrinsics, not !Ref/!Sub): ${details}`);
  }
  return document.toJS();
}

/** Replaces the only serverless variables infra/state.yml may use in the values local-setup reads. */
function resolveNames(value: unknown, variables: Record<string, string>, where: string): string {
  if (typeof value !== "string") throw new LocalSetupError(`${where} must be a string`);
  const resolved = value.replace(
    /\$\{(self:service|sls:stage)\}/g,
    (_, name: string) => variables[name] ?? "",
  );
  if (resolved.includes("${")) throw new LocalSetupError(`${where} uses an unsupported variable: ${value}`);
  return resolved;
}

function findResource(resources: Record<string, CfnResource>, type: string, file: string): CfnResource {
  const matches = Object.values(resources).filter((resource) => resource.Type === type);
  if (matches.length !== 1)
    throw new LocalSetupError(`${file} must define exactly one ${type}, found ${matches.length}`);
  return matches[0] as CfnResource;
}

function tableInput(properties: Record<string, unknown>, tableName: string): StateDefinitions["table"] {
  const billingMode = (properties.BillingMode as string | undefined) ?? "PROVISIONED";
  const provisioned = properties.ProvisionedThroughput as CreateTableCommandInput["ProvisionedThroughput"];
  return {
    TableName: tableName,
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema as KeySchemaElement[],
    BillingMode: billingMode === "PAY_PER_REQUEST" ? "PAY_PER_REQUEST" : "PROVISIONED",
    ...(billingMode === "PAY_PER_REQUEST" ? {} : { ProvisionedThroughput: provisioned }),
    ...(properties.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes:
            properties.GlobalSecondaryIndexes as CreateTableCommandInput["GlobalSecondaryIndexes"],
        }
      : {}),
    ...(properties.LocalSecondaryIndexes
      ? {
          LocalSecondaryIndexes:
            properties.LocalSecondaryIndexes as CreateTableCommandInput["LocalSecondaryIndexes"],
        }
      : {}),
  };
}

/** Translates infra/state.yml into the API calls that create the same table and topic. */
export function readStateDefinitions(options: LocalSetupOptions = {}): StateDefinitions {
  const root = options.projectRoot ?? defaultProjectRoot();
  const stage = options.stage ?? "dev";
  const serverless = readYaml(join(root, "serverless.yml")) as { service?: unknown };
  const variables = {
    "self:service": resolveNames(serverless.service, {}, "serverless.yml service"),
    "sls:stage": stage,
  };

  const stateFile = join(root, "infra", "state.yml");
  const state = readYaml(stateFile) as { Resources?: Record<string, CfnResource> };
  const resources = state.Resources ?? {};
  const table = findResource(resources, "AWS::DynamoDB::Table", stateFile).Properties ?? {};
  const topic = findResource(resources, "AWS::SNS::Topic", stateFile).Properties ?? {};

  const ttl = table.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  const displayName = topic.DisplayName;
  return {
    table: tableInput(table, resolveNames(table.TableName, variables, "StateTable TableName")),
    ...(ttl?.Enabled && ttl.AttributeName ? { timeToLiveAttribute: ttl.AttributeName } : {}),
    topic: {
      Name: resolveNames(topic.TopicName, variables, "NotifyTopic TopicName"),
      // KMS and policies are deployment concerns: the emulator's topic needs only its name.
      ...(typeof displayName === "string" ? { Attributes: { DisplayName: displayName } } : {}),
    },
  };
}

function requireEmulatorEndpoint(): void {
  const env = process.env;
  if (!env.AWS_ENDPOINT_URL && !(env.AWS_ENDPOINT_URL_DYNAMODB && env.AWS_ENDPOINT_URL_SNS)) {
    throw new LocalSetupError(
      "local-setup creates resources in an emulator: set AWS_ENDPOINT_URL (deploy the stack for real AWS)",
    );
  }
}

async function ensureTable(definitions: StateDefinitions): Promise<string> {
  const client = dynamoClient();
  const TableName = definitions.table.TableName;
  try {
    await client.send(new CreateTableCommand(definitions.table));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName });

  const attribute = definitions.timeToLiveAttribute;
  if (attribute !== undefined) {
    const current = await client.send(new DescribeTimeToLiveCommand({ TableName }));
    const description = current.TimeToLiveDescription;
    const alreadyOn =
      description?.AttributeName === attribute &&
      (description.TimeToLiveStatus === "ENABLED" || description.TimeToLiveStatus === "ENABLING");
    if (!alreadyOn) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
        }),
      );
    }
  }
  return TableName;
}

async function ensureTopic(definitions: StateDefinitions): Promise<string> {
  // CreateTopic returns the existing topic's ARN when one of that name and attributes exists.
  const created = await snsClient().send(new CreateTopicCommand(definitions.topic));
  if (!created.TopicArn)
    throw new LocalSetupError(`CreateTopic returned no TopicArn for ${definitions.topic.Name}`);
  return created.TopicArn;
}

/** Creates (or reuses) the state table and notification topic at AWS_ENDPOINT_URL. */
export async function localSetup(options: LocalSetupOptions = {}): Promise<LocalSetupResult> {
  requireEmulatorEndpoint();
  const definitions = readStateDefinitions(options);
  const stateTable = await ensureTable(definitions);
  const topicArn = await ensureTopic(definitions);
  return { stateTable, topicArn };
}

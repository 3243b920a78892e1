/**
 * The impaired-host record in the state table (`host#<containerInstanceArn>` / `impairment`, table.ts), written only
 * by host events, read by stops: apart from hosts.ts's ECS task lister, which only the deployment side loads.
 */
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { HostImpairment, HostStatusStore } from "../shared/hosts/ports.js";
import {
  expiresAtSeconds,
  HOST_IMPAIRMENT_RETENTION_MS,
  itemString,
  itemStringList,
  KEY_PREFIX,
  SORT_KEY,
  withoutUndefined,
} from "../shared/table.js";

const hostKey = (containerInstanceArn: string) => ({
  pk: `${KEY_PREFIX.host}${containerInstanceArn}`,
  sk: SORT_KEY.hostImpairment,
});

export function dynamoHostStatus(
  client: DynamoDBDocumentClient,
  tableName: string,
  now: () => number = Date.now,
): HostStatusStore {
  return {
    remember: async (impairment) => {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: withoutUndefined({
            ...hostKey(impairment.containerInstanceArn),
            ec2InstanceId: impairment.ec2InstanceId,
            status: impairment.status,
            since: impairment.since,
            problems: impairment.problems,
            daemon: impairment.daemon,
            expiresAt: expiresAtSeconds(now(), HOST_IMPAIRMENT_RETENTION_MS),
          }),
        }),
      );
    },
    forget: async (containerInstanceArn) => {
      await client.send(new DeleteCommand({ TableName: tableName, Key: hostKey(containerInstanceArn) }));
    },
    recall: async (containerInstanceArn): Promise<HostImpairment | undefined> => {
      const out = await client.send(
        new GetCommand({ TableName: tableName, Key: hostKey(containerInstanceArn) }),
      );
      const status = itemString(out.Item, "status");
      const since = itemString(out.Item, "since");
      if (!out.Item || !status || !since) return undefined;
      const ec2InstanceId = itemString(out.Item, "ec2InstanceId");
      const daemon = itemString(out.Item, "daemon");
      return {
        containerInstanceArn,
        ...(ec2InstanceId ? { ec2InstanceId } : {}),
        ...(daemon ? { daemon } : {}),
        status,
        since,
        problems: itemStringList(out.Item, "problems"),
      };
    },
  };
}

/** The impaired-host record of the configured state table; none without a table or in a dry run. */
export function configuredHostStatus(
  config: { stateTable?: string; dryRun: boolean },
  client: () => DynamoDBDocumentClient,
): HostStatusStore | undefined {
  return config.stateTable && !config.dryRun ? dynamoHostStatus(client(), config.stateTable) : undefined;
}

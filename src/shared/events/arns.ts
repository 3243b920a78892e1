/** Helpers to read names out of ECS ARNs and task fields. Pure. */

/** arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE (new format) or service/SERVICE (old format). */
export interface ServiceRef {
  region?: string;
  account?: string;
  cluster?: string;
  service: string;
  partition: string;
}

export function parseServiceArn(arn: string): ServiceRef | undefined {
  const m = /^arn:(aws[a-z-]*):ecs:([^:]*):([^:]*):service\/(.+)$/.exec(arn);
  if (!m) return undefined;
  const [, partition = "aws", region, account, rest = ""] = m;
  const parts = rest.split("/");
  const service = parts.at(-1) ?? rest;
  const cluster = parts.length > 1 ? parts[0] : undefined;
  return { partition, region: region || undefined, account: account || undefined, cluster, service };
}

/** The last path segment of an ARN (cluster name, task id...). */
export function arnName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}

/** Cluster ARN built from a service ARN (deployment and service events carry no cluster ARN). */
export function clusterArnFromServiceArn(arn: string): string | undefined {
  const ref = parseServiceArn(arn);
  if (!ref?.cluster) return undefined;
  return `arn:${ref.partition}:ecs:${ref.region ?? ""}:${ref.account ?? ""}:cluster/${ref.cluster}`;
}

/** `service:api` -> `api`; `family:job` -> undefined. */
export function serviceFromGroup(group: string | undefined): string | undefined {
  return group?.startsWith("service:") ? group.slice("service:".length) : undefined;
}

/** arn:...:task-definition/FAMILY:REV -> { family, revision }. */
export function parseTaskDefinitionArn(
  arn: string | undefined,
): { family: string; revision?: number } | undefined {
  if (!arn) return undefined;
  const m = /task-definition\/([^:/]+)(?::(\d+))?$/.exec(arn);
  if (!m?.[1]) return undefined;
  return { family: m[1], revision: m[2] ? Number(m[2]) : undefined };
}

/**
 * AWS console deep links for ECS tasks and services and CloudWatch log streams. Pure.
 * Every builder returns undefined rather than a broken link: for an unknown or console-less partition
 * (the isolated `aws-iso*` ones), a missing or malformed region, or a missing name.
 */
import { wellFormed } from "./text.js";

/** Console host per partition; partitions not listed have no public console. */
const CONSOLE_DOMAINS: Readonly<Record<string, string>> = {
  aws: "console.aws.amazon.com",
  "aws-cn": "console.amazonaws.cn",
  "aws-us-gov": "console.amazonaws-us-gov.com",
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Where a resource lives: enough to build a console URL. */
export interface ConsoleScope {
  /** ARN partition: `aws` (default), `aws-cn`, `aws-us-gov`. */
  partition?: string;
  region?: string;
}

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string | undefined): ArnParts | undefined {
  const m = /^arn:([a-z][a-z-]*):([^:]+):([^:]*):([^:]*):(.+)$/.exec(arn ?? "");
  if (!m) return undefined;
  const [, partition = "", service = "", region = "", account = "", resource = ""] = m;
  return { partition, service, region, account, resource };
}

/** `https://REGION.console...` for the scope's partition, or undefined when no console can be linked. */
export function consoleOrigin(scope: ConsoleScope): string | undefined {
  const domain = CONSOLE_DOMAINS[scope.partition ?? "aws"];
  if (!domain || !scope.region || !REGION.test(scope.region)) return undefined;
  return `https://${scope.region}.${domain}`;
}

/** ECS names are at most 255 characters; anything longer (or not well-formed) is not a name we can link. */
const MAX_NAME = 255;
const linkable = (segment: string) =>
  segment !== "" && segment.length <= MAX_NAME && segment === wellFormed(segment);

function ecsUrl(scope: ConsoleScope, path: string[], tab: string): string | undefined {
  const origin = consoleOrigin(scope);
  if (!origin || !path.every(linkable)) return undefined;
  const encoded = path.map(encodeURIComponent).join("/");
  return `${origin}/ecs/v2/clusters/${encoded}/${tab}?region=${scope.region}`;
}

export function ecsTaskUrl(scope: ConsoleScope, cluster: string, taskId: string): string | undefined {
  return ecsUrl(scope, [cluster, "tasks", taskId], "configuration");
}

/** The task's Logs tab: it knows the log configuration, which the stop event does not carry. */
export function ecsTaskLogsUrl(scope: ConsoleScope, cluster: string, taskId: string): string | undefined {
  return ecsUrl(scope, [cluster, "tasks", taskId], "logs");
}

export function ecsServiceUrl(scope: ConsoleScope, cluster: string, service: string): string | undefined {
  return ecsUrl(scope, [cluster, "services", service], "health");
}

export function ecsServiceDeploymentsUrl(
  scope: ConsoleScope,
  cluster: string,
  service: string,
): string | undefined {
  return ecsUrl(scope, [cluster, "services", service], "deployments");
}

/**
 * The CloudWatch console's encoding for names inside its `#logsV2:` fragment: URI-encoded twice, then `%`
 * written as `$`, so `/ecs/api` becomes `$252Fecs$252Fapi`.
 */
export function cloudWatchEncode(name: string): string {
  return encodeURIComponent(encodeURIComponent(wellFormed(name))).replaceAll("%", "$");
}

export function cloudWatchLogStreamUrl(
  scope: ConsoleScope,
  logGroup: string,
  logStream: string,
): string | undefined {
  const origin = consoleOrigin(scope);
  if (!origin || !logGroup || !logStream) return undefined;
  return (
    `${origin}/cloudwatch/home?region=${scope.region}#logsV2:log-groups/log-group/` +
    `${cloudWatchEncode(logGroup)}/log-events/${cloudWatchEncode(logStream)}`
  );
}

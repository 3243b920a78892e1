/**
 * The message that sums up stops held back by throttling: "12 more out-of-memory stops of `api` between
 * 08:12 and 08:31 UTC", with a few of the tasks linked to the console. Pure.
 *
 * The window is that of the stops the digest counts, from the earliest to the latest `stoppedAt`: the stop
 * that opened a flood window was sent on its own and is not part of it. Digests of messages that are not
 * stops (no stop times recorded) fall back to the times the messages were counted.
 */
import { serviceFromGroup } from "../events/arns.js";
import { ecsTaskUrl, parseArn } from "./console-links.js";
import type { Fact, Link, Message } from "./message.js";
import { formatClock, formatUtc } from "./render/time.js";
import { isSeverity } from "./routing.js";
import type { PendingDigest } from "./store/types.js";

export interface DigestInput {
  /** The task group (`service:api`, `family:nightly`) or another grouping key the throttle used. */
  group: string;
  category: string;
  /** How many stops were held back. */
  count: number;
  /** ISO times of the first and last held-back stop (their `stoppedAt`). */
  firstAt: string;
  lastAt: string;
  /** A few of the held-back tasks (ARNs); `count` says how many there are in all. */
  tasks?: readonly string[];
  /** Cluster name, when the throttle knew it. */
  cluster?: string;
  /** The latest held-back message, to show what these stops look like. */
  sample?: Message;
}

function groupName(group: string): string {
  return serviceFromGroup(group) ?? (group.startsWith("family:") ? group.slice("family:".length) : group);
}

/** "between 08:12 and 08:31 UTC", "at 08:12 UTC", or with dates when the stops span more than one day. */
export function stopSpan(firstAt: string, lastAt: string): string {
  const sameDay = firstAt.slice(0, 10) === lastAt.slice(0, 10) || Number.isNaN(Date.parse(firstAt));
  const first = sameDay ? formatClock(firstAt) : formatUtc(firstAt).slice(0, 16);
  const last = sameDay ? formatClock(lastAt) : formatUtc(lastAt).slice(0, 16);
  return first === last ? `at ${first} UTC` : `between ${first} and ${last} UTC`;
}

/** The task's id and cluster from its ARN (`task/CLUSTER/ID`, or the old `task/ID`). */
function taskParts(taskArn: string, cluster: string | undefined) {
  const arn = parseArn(taskArn);
  const path = arn?.resource.split("/") ?? [];
  const id = path.at(-1) ?? taskArn;
  return { arn, id, cluster: path.length === 3 ? path[1] : cluster };
}

function taskLinks(tasks: readonly string[], cluster: string | undefined): { ids: string[]; links: Link[] } {
  const ids: string[] = [];
  const links: Link[] = [];
  for (const taskArn of tasks) {
    const parts = taskParts(taskArn, cluster);
    ids.push(parts.id);
    const url =
      parts.arn && parts.cluster
        ? ecsTaskUrl({ partition: parts.arn.partition, region: parts.arn.region }, parts.cluster, parts.id)
        : undefined;
    if (url) links.push({ label: `Task ${parts.id}`, url });
  }
  return { ids, links };
}

export function digestMessage(input: DigestInput): Message {
  const { group, category, count, firstAt, lastAt, sample } = input;
  const name = groupName(group);
  const stops = count === 1 ? `1 more ${category} stop` : `${count} more ${category} stops`;
  const span = stopSpan(firstAt, lastAt);
  const service = serviceFromGroup(group) ?? sample?.service;
  const family = service ? sample?.family : (sample?.family ?? name);
  const cluster = sample?.cluster ?? input.cluster;
  const listed = taskLinks(input.tasks ?? [], cluster);
  const facts: Fact[] = [
    { label: service ? "Service" : "Group", value: name },
    { label: "Category", value: category },
    { label: "Stopped tasks", value: String(count) },
    { label: "First", value: formatUtc(firstAt) },
    { label: "Last", value: formatUtc(lastAt) },
  ];
  if (listed.ids.length > 0) {
    const more = count - listed.ids.length;
    facts.push({
      label: listed.ids.length === 1 ? "Task" : "Tasks",
      value: listed.ids.join(", ") + (more > 0 ? ` and ${more} more` : ""),
    });
  }
  if (cluster) facts.unshift({ label: "Cluster", value: cluster });
  return {
    kind: "digest",
    severity: sample?.severity ?? "warning",
    category,
    title: `${name}: ${stops} ${span}`,
    cause:
      `${stops} of \`${name}\` ${span}, besides the one already sent. Their notifications were held ` +
      "back so the channel is not flooded" +
      (sample ? "; the latest one is summarised here." : "."),
    reason: sample?.reason,
    evidence: sample ? [...sample.evidence] : [],
    remediation: sample ? [...sample.remediation] : [],
    facts,
    links: [...listed.links, ...(sample ? sample.links : [])],
    cluster,
    service,
    family,
    account: sample?.account,
    region: sample?.region,
    time: lastAt,
  };
}

/** The digest of a throttle window as the renderers' message; stop times when the window has them. */
export function digestToMessage(digest: PendingDigest): Message {
  const first = digest.firstStopAt ?? digest.since;
  const last = digest.lastStopAt ?? digest.lastAt;
  const message = digestMessage({
    group: digest.group,
    category: digest.category,
    count: digest.count,
    firstAt: new Date(first).toISOString(),
    lastAt: new Date(last).toISOString(),
    tasks: digest.tasks ?? [],
    cluster: digest.cluster,
  });
  const severity = isSeverity(digest.severity) ? digest.severity : message.severity;
  const region = digest.tasks?.map((arn) => parseArn(arn)?.region).find((r) => r);
  return {
    ...message,
    severity,
    cluster: message.cluster ?? digest.cluster,
    service: message.service ?? digest.service,
    ...(region ? { region } : {}),
  };
}

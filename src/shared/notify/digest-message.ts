/** The message that sums up stops held back by throttling: "37 more tasks of `api` stopped: ...". Pure. */
import { serviceFromGroup } from "../events/arns.js";
import type { Fact, Message } from "./message.js";
import { formatClock, formatUtc } from "./render/time.js";

export interface DigestInput {
  /** The task group (`service:api`, `family:nightly`) or another grouping key the throttle used. */
  group: string;
  category: string;
  /** How many notifications were held back. */
  count: number;
  /** ISO times of the first and last held-back stop. */
  firstAt: string;
  lastAt: string;
  /** The latest held-back message, to show what these stops look like. */
  sample?: Message;
}

function groupName(group: string): string {
  return serviceFromGroup(group) ?? (group.startsWith("family:") ? group.slice("family:".length) : group);
}

export function digestMessage(input: DigestInput): Message {
  const { group, category, count, firstAt, lastAt, sample } = input;
  const name = groupName(group);
  const tasks = count === 1 ? "1 more task" : `${count} more tasks`;
  const service = serviceFromGroup(group) ?? sample?.service;
  const family = service ? sample?.family : (sample?.family ?? name);
  const facts: Fact[] = [
    { label: service ? "Service" : "Group", value: name },
    { label: "Category", value: category },
    { label: "Stopped tasks", value: String(count) },
    { label: "First", value: formatUtc(firstAt) },
    { label: "Last", value: formatUtc(lastAt) },
  ];
  if (sample?.cluster) facts.unshift({ label: "Cluster", value: sample.cluster });
  return {
    kind: "digest",
    severity: sample?.severity ?? "warning",
    category,
    title: `${name}: ${tasks} stopped (${category}), last at ${formatClock(lastAt)} UTC`,
    cause:
      `${tasks} of \`${name}\` stopped: ${category}, between ${formatClock(firstAt)} and ` +
      `${formatClock(lastAt)} UTC. Their notifications were held back so the channel is not flooded` +
      (sample ? "; the latest one is summarised here." : "."),
    reason: sample?.reason,
    evidence: sample ? [...sample.evidence] : [],
    remediation: sample ? [...sample.remediation] : [],
    facts,
    links: sample ? [...sample.links] : [],
    cluster: sample?.cluster,
    service,
    family,
    account: sample?.account,
    region: sample?.region,
    time: lastAt,
  };
}

/**
 * PURE routing: which enabled channel gets a message. A channel receives a message whose severity is at
 * least its minimum (Slack: warning, email: critical by default, so expected `info` stops go nowhere).
 * A service can override this with ECS tags, whose values are untrusted: bad values are ignored and
 * reported as problems for the caller to log.
 *
 *   ecs-sentinel:mute          "true" (send nothing) or a list of categories / message kinds, "scaling,app-exit"
 *   ecs-sentinel:channels      a list of "slack", "email", "pagerduty", "teams", "chatbot", or "none"
 *   ecs-sentinel:min-severity  "info" | "warning" | "critical" (replaces the minimum of every channel)
 *   ecs-sentinel:slack-channel a Slack channel ID (app mode): the service's messages and threads go there
 */
import { CATEGORIES, SEVERITIES, type Severity } from "../diagnosis/types.js";
import { channelIdProblem } from "../slack-channel-id.js";
import type { Message, MessageKind } from "./message.js";
import { CHANNEL_NAMES, type ChannelName, READING_CHANNELS } from "./port.js";

export interface RoutingConfig {
  slackMinSeverity: Severity;
  emailMinSeverity: Severity;
  /** Only critical pages by default: PagerDuty wakes people up. */
  pagerdutyMinSeverity: Severity;
  teamsMinSeverity: Severity;
  chatbotMinSeverity: Severity;
}

export const DEFAULT_ROUTING: RoutingConfig = {
  slackMinSeverity: "warning",
  emailMinSeverity: "critical",
  pagerdutyMinSeverity: "critical",
  teamsMinSeverity: "warning",
  chatbotMinSeverity: "warning",
};

const MIN_SEVERITY_OF: Record<ChannelName, keyof RoutingConfig> = {
  slack: "slackMinSeverity",
  email: "emailMinSeverity",
  pagerduty: "pagerdutyMinSeverity",
  teams: "teamsMinSeverity",
  chatbot: "chatbotMinSeverity",
};

export const TAGS = {
  mute: "ecs-sentinel:mute",
  channels: "ecs-sentinel:channels",
  minSeverity: "ecs-sentinel:min-severity",
  slackChannel: "ecs-sentinel:slack-channel",
} as const;

const MESSAGE_KINDS = [
  "task-stopped",
  "deployment",
  "service-action",
  "deployment-review",
  "rollback",
  "job",
  "host",
  "digest",
] as const satisfies readonly MessageKind[];

export interface ServiceOverrides {
  muteAll?: boolean;
  /** Categories or message kinds that are not sent for this service. */
  muted?: string[];
  channels?: ChannelName[];
  minSeverity?: Severity;
  /** App mode: the channel ID the service's messages go to instead of SLACK_CHANNEL. */
  slackChannel?: string;
}

export interface TagProblem {
  tag: string;
  /** The offending value, shortened and made printable for logs. */
  value: string;
  problem: string;
}

export type SkipReason = "routed-out" | "muted";
export type RouteDecision = { send: true } | { send: false; reason: SkipReason };

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}

const MUTABLE = new Set<string>([...CATEGORIES, ...MESSAGE_KINDS]);

function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?").slice(0, 100);
}

function tokens(value: string): string[] {
  return value
    .split(",")
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== "");
}

/** Reads the ecs-sentinel tags of a service (tag keys compared case-insensitively). */
export function parseServiceOverrides(tags: Record<string, string>): {
  overrides: ServiceOverrides;
  problems: TagProblem[];
} {
  const overrides: ServiceOverrides = {};
  const problems: TagProblem[] = [];
  const byKey = new Map(Object.entries(tags).map(([key, value]) => [key.trim().toLowerCase(), value]));
  const problem = (tag: string, value: string, text: string) =>
    problems.push({ tag, value: printable(value), problem: text });

  const mute = byKey.get(TAGS.mute);
  if (mute !== undefined) {
    const normalized = mute.trim().toLowerCase();
    if (normalized === "true") overrides.muteAll = true;
    else if (normalized !== "false" && normalized !== "") {
      const listed = tokens(normalized);
      const known = listed.filter((token) => MUTABLE.has(token));
      const unknown = listed.filter((token) => !MUTABLE.has(token));
      if (known.length > 0) overrides.muted = known;
      if (unknown.length > 0) problem(TAGS.mute, mute, `unknown categories ignored: ${unknown.join(", ")}`);
    }
  }

  const channels = byKey.get(TAGS.channels);
  if (channels !== undefined) {
    const listed = tokens(channels);
    if (listed.length === 1 && listed[0] === "none") overrides.channels = [];
    else if (
      listed.length > 0 &&
      listed.every((token) => (CHANNEL_NAMES as readonly string[]).includes(token))
    ) {
      overrides.channels = [...new Set(listed as ChannelName[])];
    } else
      problem(
        TAGS.channels,
        channels,
        `expected a list of ${CHANNEL_NAMES.map((c) => `"${c}"`).join(", ")}, or "none"; tag ignored`,
      );
  }

  const minSeverity = byKey.get(TAGS.minSeverity);
  if (minSeverity !== undefined) {
    const normalized = minSeverity.trim().toLowerCase();
    if (isSeverity(normalized)) overrides.minSeverity = normalized;
    else problem(TAGS.minSeverity, minSeverity, 'expected "info", "warning" or "critical"; tag ignored');
  }

  const slackChannel = byKey.get(TAGS.slackChannel);
  if (slackChannel !== undefined) {
    const why = channelIdProblem(slackChannel);
    if (!why) overrides.slackChannel = slackChannel.trim();
    else problem(TAGS.slackChannel, slackChannel, `the value ${why}; tag ignored`);
  }

  return { overrides, problems };
}

/** The decision for every enabled channel. */
export function routeMessage(
  message: Pick<Message, "severity" | "category" | "kind" | "awaitsDecision">,
  enabled: readonly ChannelName[],
  config: RoutingConfig = DEFAULT_ROUTING,
  overrides: ServiceOverrides = {},
  options: { resolvesProblem?: boolean } = {},
): Partial<Record<ChannelName, RouteDecision>> {
  const muted =
    overrides.muteAll === true ||
    overrides.channels?.length === 0 ||
    (overrides.muted ?? []).some((item) => item === message.category || item === message.kind);
  const decisions: Partial<Record<ChannelName, RouteDecision>> = {};
  for (const channel of enabled) {
    const minimum = overrides.minSeverity ?? config[MIN_SEVERITY_OF[channel]];
    // A request to decide reaches every channel people read; closing an incident reaches the channel that has it.
    const anySeverity =
      (message.awaitsDecision !== undefined && READING_CHANNELS.has(channel)) ||
      (options.resolvesProblem === true && channel === "pagerduty");
    if (muted) decisions[channel] = { send: false, reason: "muted" };
    else if (overrides.channels && !overrides.channels.includes(channel)) {
      decisions[channel] = { send: false, reason: "routed-out" };
    } else if (!anySeverity && rank(message.severity) < rank(minimum)) {
      decisions[channel] = { send: false, reason: "routed-out" };
    } else decisions[channel] = { send: true };
  }
  return decisions;
}

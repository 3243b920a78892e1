/**
 * Step 1 of sending a message: which configured channels take it. Routing (severity minimums) and the
 * service's own tags decide; a channel that does not take it is marked skipped with the reason.
 */

import { parseArn } from "./console-links.js";
import type { Message } from "./message.js";
import type { DeliveryOutcome } from "./outcomes.js";
import type { ChannelName } from "./port.js";
import { parseServiceOverrides, routeMessage, type ServiceOverrides } from "./routing.js";
import type { ServiceContext } from "./service-context.js";

export type ChannelOutcomes = Partial<Record<ChannelName, DeliveryOutcome>>;

export interface ChannelPlan {
  /** Filled in for the channels routed out; the pipeline fills in the targets. */
  outcome: ChannelOutcomes;
  /** The channels the message goes to. */
  targets: ChannelName[];
  /** App mode: where and how the message goes to Slack. */
  slack: { channel?: string; cardOnly?: boolean };
}

/** A mute set with Slack's buttons; an unreadable mute never silences anything. */
async function mutedFromSlack(ctx: ServiceContext, serviceArn: string): Promise<boolean> {
  if (!ctx.mutedUntil) return false;
  const until = await ctx.mutedUntil(serviceArn).catch((error: unknown) => {
    ctx.logger.warn("Could not read whether the service is muted; sending", {
      serviceArn,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  });
  return until !== undefined && until > ctx.clock();
}

/** The account of a message: its service's, else its own. */
function accountOf(message: Message, serviceArn: string | undefined): string | undefined {
  return parseArn(serviceArn)?.account || message.account;
}

/** An account's routing (ACCOUNT_ROUTING) under the service's own tags: the tags win, mutes add up. */
function merged(account: ServiceOverrides, service: ServiceOverrides): ServiceOverrides {
  const muted = [...(account.muted ?? []), ...(service.muted ?? [])];
  return {
    ...account,
    ...service,
    ...(account.muteAll || service.muteAll ? { muteAll: true } : {}),
    ...(muted.length > 0 ? { muted } : {}),
  };
}

/** The service's routing tags; unreadable or bad tags are logged and sending goes on without them. */
export async function overridesFor(
  ctx: ServiceContext,
  serviceArn: string | undefined,
  account?: string,
): Promise<ServiceOverrides> {
  const base = (account ? ctx.accountOverrides[account] : undefined) ?? {};
  if (!serviceArn) return base;
  if (await mutedFromSlack(ctx, serviceArn)) return { muteAll: true };
  if (!ctx.tagsFor) return base;
  const tags = await ctx.tagsFor(serviceArn).catch((error: unknown) => {
    ctx.logger.warn("Could not read service tags; sending without per-service overrides", {
      serviceArn,
      error: error instanceof Error ? error.message : String(error),
    });
    return {};
  });
  const { overrides, problems } = parseServiceOverrides(tags);
  for (const problem of problems)
    ctx.logger.warn("Ignoring a bad ecs-sentinel tag value", { serviceArn, ...problem });
  return merged(base, overrides);
}

export function planChannels(
  ctx: ServiceContext,
  message: Message,
  overrides: ServiceOverrides,
  hasCard = false,
  options: { resolvesProblem?: boolean } = {},
): ChannelPlan {
  const decisions = routeMessage(message, ctx.enabled, ctx.routing, overrides, options);
  const outcome: ChannelOutcomes = {};
  const targets: ChannelName[] = [];
  const slack: ChannelPlan["slack"] = { channel: overrides.slackChannel };
  for (const channel of ctx.enabled) {
    const decision = decisions[channel];
    if (decision?.send) targets.push(channel);
    else if (channel === "slack" && cardsBelowMinimum(ctx, message, overrides, hasCard)) {
      targets.push(channel);
      slack.cardOnly = true;
    } else outcome[channel] = { status: "skipped", reason: decision?.reason ?? "routed-out" };
  }
  return { outcome, targets, slack };
}

/**
 * App mode keeps a deployment's card current even for events below Slack's minimum severity (a started or
 * completed deployment edits its one card; it posts nothing new), unless the service's tags route Slack out.
 */
function cardsBelowMinimum(
  ctx: ServiceContext,
  message: Message,
  overrides: ServiceOverrides,
  hasCard: boolean,
): boolean {
  if (!hasCard || !ctx.channels.slackApp || ctx.deploymentCards !== "all") return false;
  const anySeverity = routeMessage(
    message,
    ["slack"],
    { ...ctx.routing, slackMinSeverity: "info" },
    {
      ...overrides,
      minSeverity: undefined,
    },
  );
  return anySeverity.slack?.send === true;
}

/** Routes `message` for the service `serviceArn` (if any); `hasCard`: it updates a deployment card. */
export async function routeChannels(
  ctx: ServiceContext,
  message: Message,
  serviceArn: string | undefined,
  hasCard = false,
  options: { resolvesProblem?: boolean } = {},
): Promise<ChannelPlan> {
  return planChannels(
    ctx,
    message,
    await overridesFor(ctx, serviceArn, accountOf(message, serviceArn)),
    hasCard,
    options,
  );
}

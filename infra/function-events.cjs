"use strict";
/**
 * The EventBridge rules of the functions (serverless.yml `functions.*.events`): each rule on the default bus,
 * and in hub mode the same rule again on the hub bus, with the same retry policy and dead-letter queue. The hub
 * copy's pattern is the same but for the watched-cluster filter, which names the clusters in any account and
 * region (infra/event-patterns.cjs): a member account's clusterArn carries the member's account and region, which
 * the default bus's filter (this stack's own) could never match.
 *
 * The default-bus rules come first, so their osls logical ids (numbered by position) are those of a
 * single-account stack: turning hub mode on adds rules and replaces none.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const {
  deploymentPattern,
  hookStatePattern,
  hostEventsPattern,
  spotNoticePattern,
  taskStoppedPattern,
} = require("./event-patterns.cjs");
const { HUB_BUS_NAME_REF, stackNames } = require("./hub.cjs");

/** Each listening function's rules: the name after SERVICE-STAGE-, and the pattern. */
const FUNCTION_RULES = {
  taskState: [
    ["task-stopped", taskStoppedPattern],
    ["spot-notice", spotNoticePattern],
  ],
  deploymentEvents: [
    ["deployments", deploymentPattern],
    ["pause-hooks", hookStatePattern],
    ["hosts", hostEventsPattern],
  ],
};
const HUB_RULE_SUFFIX = "-hub";

class MissingRuleSettingError extends Error {
  constructor(path) {
    super(`serverless.yml must define ${path.join(".")}: the EventBridge rules' delivery settings`);
    this.name = "MissingRuleSettingError";
  }
}

/**
 * The osls `eventBridge` events of `functionKey`. `settings`: `namePrefix` (SERVICE-STAGE), the targets'
 * `retryPolicy` and `deadLetterQueueArn`.
 */
function functionEvents(params, functionKey, { namePrefix, retryPolicy, deadLetterQueueArn }) {
  const rules = FUNCTION_RULES[functionKey] ?? [];
  const event = ([name, pattern], onHub) => ({
    eventBridge: {
      name: `${namePrefix}-${name}${onHub ? HUB_RULE_SUFFIX : ""}`,
      ...(onHub ? { eventBus: HUB_BUS_NAME_REF } : {}),
      pattern: pattern(params, { anyAccount: onHub }),
      retryPolicy,
      deadLetterQueueArn,
    },
  });
  return [
    ...rules.map((rule) => event(rule, false)),
    ...(params.hubMode ? rules.map((rule) => event(rule, true)) : []),
  ];
}

// ---------------------------------------------------------------- osls entry points

const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);

/** serverless.yml's custom.ruleRetryPolicy and custom.deadLetterQueueArn, and the rules' name prefix. */
async function ruleSettings(input) {
  const setting = async (path) => {
    const value = await input.resolveConfigurationProperty?.(path);
    if (value === undefined || value === null) throw new MissingRuleSettingError(path);
    return value;
  };
  const { service, stage } = await stackNames(input);
  return {
    namePrefix: `${service}-${stage}`,
    retryPolicy: await setting(["custom", "ruleRetryPolicy"]),
    deadLetterQueueArn: await setting(["custom", "deadLetterQueueArn"]),
  };
}

/** `${file(./infra/function-events.cjs):FUNCTION}` for serverless.yml. */
const eventsOf = (functionKey) => async (input) =>
  functionEvents((await stack(input)).params, functionKey, await ruleSettings(input));

module.exports = {
  FUNCTION_RULES,
  HUB_RULE_SUFFIX,
  MissingRuleSettingError,
  functionEvents,
  taskState: eventsOf("taskState"),
  deploymentEvents: eventsOf("deploymentEvents"),
};

"use strict";
/**
 * The stack parameters of the PagerDuty, Microsoft Teams and Amazon Q Developer channels: the secrets the
 * functions read (pagerDutyRoutingKeySecret, teamsWebhookSecret), the SNS topic Amazon Q Developer in chat
 * applications subscribes to (chatbotTopicArn, not a secret) and each channel's minimum severity.
 * `channelParams` reports every problem through `report(parameter, value, why)` like the other parameters
 * (infra/stack-params.cjs), so one message lists them all.
 *
 * Vendor rules encoded here:
 * - SNS topic ARNs and names (arn:PARTITION:sns:REGION:ACCOUNT:NAME; 1-256 letters, digits, - and _; a FIFO
 *   topic's name ends in .fifo and every publish to it needs a MessageGroupId):
 *   https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html (resource type topic)
 * - Amazon Q Developer custom notifications are published to a topic the chat configuration subscribes to:
 *   https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const { closestName } = require("./did-you-mean.cjs");
const { secretName } = require("./slack-params.cjs");

const SEVERITIES = ["info", "warning", "critical"];

/** Each channel: its secret or topic parameter, its minimum-severity parameter and that one's default. */
const CHANNELS = [
  { source: "pagerDutyRoutingKeySecret", minSeverity: "pagerDutyMinSeverity", fallback: "critical" },
  { source: "teamsWebhookSecret", minSeverity: "teamsMinSeverity", fallback: "warning" },
  { source: "chatbotTopicArn", minSeverity: "chatbotMinSeverity", fallback: "warning" },
];

const TOPIC_ARN = /^arn:(aws[a-z-]*):sns:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):([A-Za-z0-9_-]{1,256})$/;
const TOPIC_ARN_SHAPE =
  "arn:PARTITION:sns:REGION:ACCOUNT:NAME, e.g. arn:aws:sns:eu-west-1:123456789012:ops-chat";

const text = (value) => String(value ?? "").trim();

/** Why `arn` is not the ARN of a standard SNS topic, or undefined when it is one. */
function topicArnProblem(arn) {
  if (TOPIC_ARN.test(arn)) return undefined;
  if (/[*?]/.test(arn))
    return `has a wildcard, which would allow publishing to every matching topic: name one topic (${TOPIC_ARN_SHAPE})`;
  if (/^arn:[^:]+:chatbot:/.test(arn)) {
    return `is an Amazon Q Developer channel configuration ARN: give the ARN of the SNS topic that configuration subscribes to (${TOPIC_ARN_SHAPE})`;
  }
  if (!arn.startsWith("arn:"))
    return `is not an ARN: give the topic's ARN (${TOPIC_ARN_SHAPE}), not its name`;
  const parts = arn.split(":");
  if (parts[2] !== "sns") return `is not an SNS topic ARN (${TOPIC_ARN_SHAPE})`;
  if (parts.length === 7 && TOPIC_ARN.test(parts.slice(0, 6).join(":"))) {
    return `is a subscription ARN: drop the last ":${parts[6]}" to name its topic`;
  }
  if (/\.fifo$/.test(arn)) {
    return "is a FIFO topic: every publish to it needs a MessageGroupId, which these notifications do not carry; use a standard topic";
  }
  return `is not an SNS topic ARN (${TOPIC_ARN_SHAPE})`;
}

/** The topic ARN, or "" (off, or invalid and reported). */
function topicArn(parameter, value, report) {
  const arn = text(value);
  if (arn === "") return "";
  const problem = topicArnProblem(arn);
  if (problem === undefined) return arn;
  report(parameter, arn, problem);
  return "";
}

/** A severity (any case); a typo is reported with the severity it probably meant. */
function severity(parameter, value, fallback, report) {
  const given = text(value).toLowerCase();
  if (given === "") return fallback;
  if (SEVERITIES.includes(given)) return given;
  const suggestion = closestName(given, SEVERITIES);
  const hint = suggestion ? `; did you mean "${suggestion}"?` : "";
  report(parameter, given, `must be one of ${SEVERITIES.join(", ")}${hint}`);
  return fallback;
}

/**
 * The three channels' parameters, checked together. A minimum severity other than its default for a channel
 * that is off is reported: it would be ignored, and the deployer probably forgot the channel's secret or topic.
 */
function channelParams(raw, report) {
  const params = {
    pagerDutyRoutingKeySecret: secretName("pagerDutyRoutingKeySecret", raw.pagerDutyRoutingKeySecret, report),
    teamsWebhookSecret: secretName("teamsWebhookSecret", raw.teamsWebhookSecret, report),
    chatbotTopicArn: topicArn("chatbotTopicArn", raw.chatbotTopicArn, report),
  };
  for (const { source, minSeverity, fallback } of CHANNELS) {
    params[minSeverity] = severity(minSeverity, raw[minSeverity], fallback, report);
    if (text(raw[source]) === "" && params[minSeverity] !== fallback) {
      report(
        minSeverity,
        params[minSeverity],
        `has no effect without ${source}: set ${source} to turn the channel on, or leave ${minSeverity} at its default (${fallback})`,
      );
    }
  }
  return params;
}

module.exports = { CHANNELS, TOPIC_ARN, topicArnProblem, channelParams };

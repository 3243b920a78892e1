"use strict";
/**
 * The Slack stack parameters: the secrets the functions read (slackWebhookSecret, slackBotTokenSecret,
 * slackSigningSecret), the channel app mode posts to (slackChannel) and who may click the buttons
 * (slackApprovers). `slackParams` reports every problem through `report(parameter,
 * value, why)` like the other parameters (infra/stack-params.cjs), so one message lists them all.
 *
 * The channel rules are src/shared/slack-channel-id.ts's (the handlers check SLACK_CHANNEL the same way at
 * cold start; a test keeps the two in step): checked here so a bad value fails the package, not every cold start.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */

/**
 * Values that end up inside Fn::Sub strings and IAM ARNs: no `$`, `{` or quotes (they would break the
 * substitution) and no `*` or `?` (they would widen the grant to every matching secret).
 */
const SECRETS_MANAGER_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SSM_PARAMETER_NAME = /^[A-Za-z0-9_.\-/]{1,1011}$/;
const SECRETS_MANAGER_ARN = /^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;

const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
const CHANNEL_ID_HINT = "use the channel ID, not its #name: in Slack, channel details → About → Channel ID";

/** Why `value` is not a channel ID, or undefined when it is one (src/shared/slack-channel-id.ts). */
function channelIdProblem(candidate) {
  const value = String(candidate ?? "").trim();
  if (CHANNEL_ID.test(value)) return undefined;
  if (value === "") return "is empty: give a channel ID (C…)";
  if (/^[DUWB][A-Z0-9]{8,}$/.test(value)) {
    const what = value.startsWith("D")
      ? "a direct-message conversation"
      : value.startsWith("B")
        ? "a bot"
        : "a user";
    return `is the ID of ${what}, not of a channel (C… or G…)`;
  }
  if (value.startsWith("#") || /[a-z\s_.-]/.test(value))
    return `looks like a channel name: ${CHANNEL_ID_HINT}`;
  return `is not a channel ID (C… or G…, then upper-case letters and digits): ${CHANNEL_ID_HINT}`;
}

const text = (value) => String(value ?? "").trim();

/**
 * A secret the handlers read by the one secret convention (src/shared/secret-source.ts): `ssm:NAME` and
 * `/NAME` are SSM parameters, anything else (ARNs included) a Secrets Manager secret id. An exact name is
 * required: a wildcard would grant every matching secret. "" = not set.
 */
function secretName(parameter, value, report) {
  const name = text(value);
  if (name === "") return "";
  const reject = (why) => {
    report(parameter, name, why);
    return "";
  };
  if (name.startsWith("arn:")) {
    if (/^arn:[^:]+:ssm:/.test(name)) {
      return reject(
        "an SSM parameter ARN would be read as a Secrets Manager secret id; write ssm:/NAME or /NAME",
      );
    }
    if (!SECRETS_MANAGER_ARN.test(name)) return reject("is not a Secrets Manager secret ARN");
    return name;
  }
  if (name.startsWith("ssm:") || name.startsWith("/")) {
    if (!SSM_PARAMETER_NAME.test(name.replace(/^ssm:/, ""))) {
      return reject("is not an SSM parameter name (letters, digits, _ . - /)");
    }
    return name;
  }
  if (!SECRETS_MANAGER_NAME.test(name)) {
    return reject("is not a Secrets Manager secret name (letters, digits, / _ + = . @ -)");
  }
  return name;
}

/** Slack user IDs (U…, W… on Enterprise Grid) and user-group IDs (S…). */
const APPROVER_ID = /^[UWS][A-Z0-9]{8,}$/;
const APPROVER_ID_HINT =
  "give member IDs (U… or W…; in Slack, a profile → ⋯ → Copy member ID) or user-group IDs (S…)";

/** Why `value` is not an approver ID (with a did-you-mean for a lower-cased one), or undefined when it is one. */
function approverIdProblem(value) {
  if (APPROVER_ID.test(value)) return undefined;
  if (APPROVER_ID.test(value.toUpperCase()))
    return `is not an ID as Slack writes it; did you mean "${value.toUpperCase()}"?`;
  if (/^[CG][A-Z0-9]{8,}$/.test(value))
    return `is a channel ID, not a user or user group: ${APPROVER_ID_HINT}`;
  if (/^[DB][A-Z0-9]{8,}$/.test(value)) {
    const what = value.startsWith("D") ? "a direct-message conversation" : "a bot";
    return `is the ID of ${what}, not of a user or user group: ${APPROVER_ID_HINT}`;
  }
  if (value.startsWith("@") || value.includes("@") || /[a-z]/.test(value))
    return `looks like a name or an address, which anyone can change: ${APPROVER_ID_HINT}`;
  return `is not a Slack user or user-group ID: ${APPROVER_ID_HINT}`;
}

/** The approvers: distinct IDs, comma- or space-separated; every invalid entry reported. */
function approvers(value, report) {
  const entries = [
    ...new Set(
      text(value)
        .split(/[\s,]+/)
        .filter((entry) => entry !== ""),
    ),
  ];
  return entries.filter((entry) => {
    const problem = approverIdProblem(entry);
    if (problem) report("slackApprovers", entry, problem);
    return problem === undefined;
  });
}

/**
 * Slack buttons: the signing secret and the approvers, both or neither, and only in app mode (the buttons are
 * posted, edited and answered through the bot token). `slackButtons` is true exactly when both are valid.
 */
function buttonParams(raw, appMode, report) {
  const slackSigningSecret = secretName("slackSigningSecret", raw.slackSigningSecret, report);
  const slackApprovers = approvers(raw.slackApprovers, report);
  const secretGiven = text(raw.slackSigningSecret) !== "";
  const approversGiven = text(raw.slackApprovers) !== "";
  if (secretGiven && !approversGiven) {
    report(
      "slackApprovers",
      "",
      "is required with slackSigningSecret: the Slack member IDs (U…/W…) or user-group IDs (S…) who may click the buttons; without approvers no button is shown",
    );
  }
  if (approversGiven && !secretGiven) {
    report(
      "slackSigningSecret",
      "",
      "is required with slackApprovers: the secret holding the Slack app's signing secret (Basic Information → App Credentials), which every click is verified with",
    );
  }
  if ((secretGiven || approversGiven) && !appMode) {
    report(
      secretGiven ? "slackSigningSecret" : "slackApprovers",
      "",
      "needs Slack app mode: set slackBotTokenSecret and slackChannel too (buttons are posted, edited and answered with the app's bot token; a webhook cannot carry them)",
    );
  }
  if (secretGiven && text(raw.slackSigningSecret) === text(raw.slackBotTokenSecret)) {
    report(
      "slackSigningSecret",
      text(raw.slackSigningSecret),
      "names the same secret as slackBotTokenSecret: the signing secret (Basic Information → App Credentials) is a different value; store it in a secret of its own",
    );
  }
  const slackButtons = slackSigningSecret !== "" && slackApprovers.length > 0 && appMode;
  return { slackSigningSecret, slackApprovers, slackButtons };
}

/** The Slack parameters, checked together: app mode needs a token secret and a channel, or neither. */
function slackParams(raw, report) {
  const slackWebhookSecret = secretName("slackWebhookSecret", raw.slackWebhookSecret, report);
  const slackBotTokenSecret = secretName("slackBotTokenSecret", raw.slackBotTokenSecret, report);
  let slackChannel = text(raw.slackChannel);
  if (slackChannel !== "") {
    const problem = channelIdProblem(slackChannel);
    if (problem) {
      report("slackChannel", slackChannel, problem);
      slackChannel = "";
    }
  }
  const tokenGiven = text(raw.slackBotTokenSecret) !== "";
  const channelGiven = text(raw.slackChannel) !== "";
  if (tokenGiven && !channelGiven) {
    report(
      "slackChannel",
      "",
      "is required with slackBotTokenSecret: the ID of the channel app mode posts to (C…; in Slack, channel details → About → Channel ID)",
    );
  }
  if (channelGiven && !tokenGiven) {
    report(
      "slackBotTokenSecret",
      "",
      "is required with slackChannel: the secret holding the Slack app's bot token (xoxb-…); without it slackChannel would be ignored",
    );
  }
  return {
    slackWebhookSecret,
    slackBotTokenSecret,
    slackChannel,
    ...buttonParams(raw, tokenGiven && channelGiven, report),
  };
}

module.exports = {
  APPROVER_ID,
  CHANNEL_ID,
  CHANNEL_ID_HINT,
  approverIdProblem,
  channelIdProblem,
  secretName,
  slackParams,
};

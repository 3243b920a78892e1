"use strict";
/**
 * The Slack buttons' endpoint in the stack: the `slackActions` function (behind a Lambda Function URL with
 * AuthType NONE, because Slack signs every request and the handler verifies the signature before anything
 * else), its least-privilege role and the `SlackActionsUrl` output. Created only when buttons are configured
 * (slackSigningSecret and slackApprovers, in Slack app mode: infra/slack-params.cjs); otherwise the
 * function, its URL and its role are absent from the template.
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */
const { allow, readSecretStatement, sub } = require("./iam-parts.cjs");
const { parts } = require("./stack-config.cjs");

const FUNCTION_KEY = "slackActions";
/** osls's logical id of the function's URL (naming.getLambdaFunctionUrlLogicalId). */
const URL_LOGICAL_ID = "SlackActionsLambdaFunctionUrl";
/** The path the endpoint serves besides the URL's root; the same as `ecs-sentinel actions serve`. */
const ACTIONS_PATH = "slack/actions";
/**
 * How long Lambda keeps retrying the asynchronous execution step (a click's self-invocation) before it goes
 * to the dead-letter queue: a click's action is still meaningful minutes later, not hours later (and the
 * action re-checks the service's state before it acts).
 */
const EXECUTION_MAX_AGE_SECONDS = 300;

/** The function's ARN, from its name: a reference to the function itself would make its role depend on it. */
const functionArn = (name) =>
  sub(`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}`);

/**
 * What slackActions may do, and nothing more:
 * - invoke ITSELF (the asynchronous execution step after Slack got its answer within 3 seconds);
 * - read its secrets: the signing secret and the bot token (never the webhook: app mode wins over it);
 * - nothing of PagerDuty, Teams or Amazon Q Developer: src/app/slack-action-service.ts builds its notification
 *   service with the Slack app channel only (a clicked action is recorded in the Slack thread), so it neither
 *   reads their secrets nor publishes to the Amazon Q Developer topic, and its environment names none of them;
 * - the state table (item-level, like every function), the topic and the dead-letter queue;
 * - the rollback path's reads, as deploymentEvents has them, and the rollback itself only on watched
 *   services tagged ecs-sentinel:auto-rollback = true or manual (never an untagged or listed-only one);
 * - Continue / Roll back of a deployment paused by a pause hook (ContinueServiceDeployment), on the same services;
 * - the job runner's ECS calls, as run-job has them, for the re-run button (none without jobs);
 * - iam:PassRole of the passRolePattern roles to ECS tasks, as rollback and run-job have it;
 * - in hub mode, sts:AssumeRole of the member role (infra/hub.cjs): a click acts in the alert's account.
 */
function slackActionsStatements(params, name) {
  const statements = [
    ...parts.commonStatements(params, [], { withWebhook: false, withChannels: false }),
    readSecretStatement("ReadSlackSigningSecret", params.slackSigningSecret),
    allow("InvokeItself", ["lambda:InvokeFunction"], [functionArn(name)]),
    parts.describeTaskDefinition(),
    ...parts.serviceReadStatements(params),
    parts.rollBackTaggedServices(params, ["true", "manual"]),
    parts.stopDeploymentsOfRollbackServices(params),
    ...parts.continuePausedDeploymentStatements(params),
    ...parts.passRoleStatements("PassTaskRoles", params),
    ...parts.jobRunnerStatements(params),
    ...parts.memberRoleStatements(params),
  ];
  // The job runner's DescribeTaskDefinition and PassRole are the rollback's again: each grant once.
  const seen = new Set();
  return statements.filter((statement) => {
    const { Sid: _sid, ...grant } = statement;
    const key = JSON.stringify(grant);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `SERVICE` or `CLUSTER/SERVICE`, as AUTO_ROLLBACK_SERVICES reads them (src/app/config.ts). */
const listedServices = (params) =>
  params.autoRollbackServices
    .map(({ cluster, service }) => (cluster === undefined ? service : `${cluster}/${service}`))
    .join(",");

/** The function configuration osls compiles (null: no buttons, no function). */
function slackActionsDefinition(params, name) {
  return {
    name,
    handler: "src/handlers/slack-actions.handler",
    description:
      "Slack buttons (Function URL): verifies the signature, then rolls back, re-runs a job or mutes",
    timeout: 30,
    // Measured peak under 80 MiB RSS (docs/performance.md, Memory); 512 for CPU: Slack wants an answer within 3 s,
    // a cold start included.
    memorySize: 512,
    // AuthType NONE, no CORS (Slack's servers call it, not browsers). osls adds the two resource-policy
    // statements a NONE URL needs since October 2025: lambda:InvokeFunctionUrl with FunctionUrlAuthType NONE,
    // and lambda:InvokeFunction only when invoked via the function URL. Nothing else may invoke it but itself.
    url: true,
    environment: {
      SLACK_SIGNING_SECRET_FROM: params.slackSigningSecret,
      SLACK_APPROVERS: params.slackApprovers.join(","),
      // App mode wins over the webhook, and this function may not read the webhook's secret.
      SLACK_WEBHOOK_URL_FROM: "",
      // Its notifications go to the Slack thread only (src/app/slack-action-service.ts), and its role may not
      // read these secrets or publish to this topic: empty overrides of provider.environment.
      PAGERDUTY_ROUTING_KEY_FROM: "",
      TEAMS_WEBHOOK_URL_FROM: "",
      CHATBOT_TOPIC_ARN: "",
      // The automatic rollback's guard rails apply to a clicked rollback too.
      AUTO_ROLLBACK_SERVICES: listedServices(params),
      POST_COMPLETION_MINUTES: String(params.tuning.postCompletionMinutes),
      ROLLBACK_COOLDOWN_MINUTES: String(params.tuning.rollbackCooldownMinutes),
    },
    maximumRetryAttempts: 2,
    maximumEventAge: EXECUTION_MAX_AGE_SECONDS,
    destinations: { onFailure: { type: "sqs", arn: { "Fn::GetAtt": ["DeadLetterQueue", "Arn"] } } },
    iamRoleStatements: slackActionsStatements(params, name),
  };
}

/** The URL Slack's interactivity settings take: the Function URL (which ends in "/") and the actions path. */
const slackActionsUrlOutput = () => ({
  SlackActionsUrl: {
    Description:
      "Slack interactivity Request URL (Slack app → Interactivity & Shortcuts; README: Slack buttons)",
    Value: { "Fn::Join": ["", [{ "Fn::GetAtt": [URL_LOGICAL_ID, "FunctionUrl"] }, ACTIONS_PATH]] },
  },
});

// ---------------------------------------------------------------- osls entry points

const stack = (input) => require("./stack-inputs.cjs").validatedStack(input);

/** The deployed function name osls gives `slackActions`: SERVICE-STAGE-slackActions. */
async function deployedName(input = {}) {
  const { service, stage } = await require("./stack-inputs.cjs").stackNames(input);
  return `${service}-${stage}-${FUNCTION_KEY}`;
}

/** serverless.yml `functions.slackActions`: the function, or null (osls then leaves it out). */
async function slackActionsFunction(input) {
  const { params } = await stack(input);
  if (!params.slackButtons) return null;
  return slackActionsDefinition(params, await deployedName(input));
}

/** serverless.yml `resources`: the SlackActionsUrl output with the function, nothing without it. */
async function slackActionsResources(input) {
  const { params } = await stack(input);
  return params.slackButtons ? { Outputs: slackActionsUrlOutput() } : {};
}

module.exports = {
  ACTIONS_PATH,
  slackActionsStatements,
  slackActionsDefinition,
  slackActionsFunction,
  slackActionsResources,
};

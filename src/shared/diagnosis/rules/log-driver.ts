/**
 * log-driver: the log configuration failed: the log group does not exist, the driver has no credentials,
 * the options are invalid, or the FireLens router failed. Permission denials are `iam`; timeouts reaching
 * CloudWatch Logs are `network`; except credential-endpoint failures of the driver, which are `log-driver`.
 */
import { DOCS } from "../docs.js";
import { capture, type RenderContext, type Rule, where } from "./rule.js";

export const LOG_CONTEXT =
  /logging driver|log driver|logger|log group|log stream|awslogs|firelens|fluent ?bit|fluentd|splunk|log configuration|log router|logconfiguration/;

const logGroup = capture(/log group:?\s*"?([\w./#-]+)/i);

const title = (what: string) => (c: RenderContext) => `Logging failed for ${where(c)}: ${what}`;

/** Checked before the network rules: the credentials endpoint refusing the driver is not a VPC routing problem. */
export const logDriverCredentialsRule: Rule = {
  category: "log-driver",
  subCause: "log-driver-credentials",
  when: /credentialsendpointerror|nocredentialproviders|failed to load credentials|no valid credential/,
  and: LOG_CONTEXT,
  title: title("no credentials for the log driver"),
  summary: () =>
    "The log driver could not obtain AWS credentials from the ECS agent's credentials endpoint, so the container could not start.",
  remediation: () => [
    "Set executionRoleArn on the task definition (the awslogs driver uses the task execution role).",
    "On EC2, make sure the ECS agent is running and current, and ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true with agents older than 1.16.",
    "On custom AMIs, make sure the instance can reach 169.254.170.2 (the credentials endpoint) and iptables rules from ecs-init are present.",
  ],
  docs: [DOCS.awslogs, DOCS.executionRole, DOCS.agentConfig],
};

const rules: readonly Rule[] = [
  {
    category: "log-driver",
    subCause: "log-group-missing",
    when: /log group does not exist|specified log group|resourcenotfoundexception|log group .{0,80}not found/,
    detail: logGroup,
    title: title("log group does not exist"),
    summary: (c) =>
      `The awslogs driver could not create a log stream because the log group ${c.detail ? `\`${c.detail}\` ` : ""}does not exist.`,
    remediation: () => [
      "Create the log group named in awslogs-group (in the Region of awslogs-region), for example in the same stack as the task definition.",
      "Or set the awslogs-create-group option to true and allow logs:CreateLogGroup to the task execution role.",
    ],
    docs: [DOCS.awslogs],
  },
  {
    category: "log-driver",
    subCause: "firelens-failed",
    when: /firelens|fluent ?bit|fluentd|log router/,
    title: title("FireLens log router"),
    summary: () => "The FireLens log router container or its configuration failed, which stopped the task.",
    remediation: () => [
      "Read the log router container's own logs (send them to awslogs) for the Fluent Bit error.",
      "Check the firelensConfiguration options and any custom config file (S3 or file path) the router loads.",
      "Mark the log router as essential only if the task must not run without logs.",
    ],
    docs: [DOCS.firelens],
  },
  {
    category: "log-driver",
    subCause: "log-options-invalid",
    when: /unknown log opt|invalid log opt|unknown log driver|not supported|invalid (?:value|option|argument)/,
    title: title("invalid log options"),
    summary: () => "The logConfiguration has a driver or option the container runtime does not accept.",
    remediation: () => [
      "Check logConfiguration.logDriver is supported for the launch type (awslogs, splunk, awsfirelens on Fargate) and the option names are spelled right.",
      "On EC2, the driver must be listed in ECS_AVAILABLE_LOGGING_DRIVERS on the instance.",
    ],
    docs: [DOCS.awslogs, DOCS.taskDefinitionParameters, DOCS.agentConfig],
  },
  {
    category: "log-driver",
    subCause: "log-driver-failed",
    when: LOG_CONTEXT,
    title: title("log driver could not start"),
    summary: () => "The container's log driver could not be initialized, so the container did not start.",
    remediation: () => [
      "Check the log group and Region in logConfiguration, and that the task execution role allows logs:CreateLogStream and logs:PutLogEvents.",
      "Check the task can reach CloudWatch Logs (NAT gateway or com.amazonaws.REGION.logs endpoint).",
    ],
    docs: [DOCS.awslogs, DOCS.resourceInitialization],
  },
];

export const logDriverRules: readonly Rule[] = rules.map((rule) =>
  rule.when === LOG_CONTEXT ? rule : { ...rule, and: LOG_CONTEXT },
);

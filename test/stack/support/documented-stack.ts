/** The deployment docs/security.md's permission table is produced from (and tested against). */
import { join } from "node:path";
import { projectRoot } from "./package-stack.js";

export const DOCUMENTED_STAGE = "prod";
/** As docs/security.md writes it (relative to the project root). */
export const DOCUMENTED_JOBS_FILE = "test/stack/fixtures/documented-jobs.yml";
export const DOCUMENTED_PARAMS = [
  "watchedClusters=prod,stage",
  "autoRollbackServices=prod/api",
  "slackWebhookSecret=ecs-sentinel/slack-webhook",
  "slackBotTokenSecret=ecs-sentinel/slack-bot-token",
  "slackChannel=C0123456789",
  "slackSigningSecret=ecs-sentinel/slack-signing-secret",
  "slackApprovers=U0123ABCD,S0456EFGH",
  "pagerDutyRoutingKeySecret=ecs-sentinel/pagerduty-routing-key",
  "teamsWebhookSecret=ecs-sentinel/teams-webhook",
  "chatbotTopicArn=arn:aws:sns:us-east-1:123456789012:ecs-sentinel-chat",
  "passRolePattern=app-*",
  // packageStack packages a copy of the project elsewhere: the jobs file by its absolute path.
  `jobsFile=${join(projectRoot, DOCUMENTED_JOBS_FILE)}`,
];
/** The smallest valid deployment: one watched cluster, no jobs, nothing else set. */
export const MINIMAL_PARAMS = ["watchedClusters=prod", "jobsFile=none"];

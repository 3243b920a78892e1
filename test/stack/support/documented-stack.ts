/** The deployment docs/security.md's permission table is produced from (and tested against). */
export const DOCUMENTED_STAGE = "prod";
export const DOCUMENTED_PARAMS = [
  "watchedClusters=prod,stage",
  "autoRollbackServices=prod/api",
  "slackWebhookSecret=ecs-sentinel/slack-webhook",
];

/**
 * Lambda `slackActions` behind a Function URL (auth NONE: Slack signs every request): Slack's interactivity
 * requests (verify → parse → decide → answer within 3 s) and the asynchronous self-invocations that execute a
 * claimed action. A thin adapter; everything is composed in src/app/slack-actions.ts.
 */
import { withLogContext } from "../app/logger.js";
import { withMetrics } from "../app/metrics.js";
import { configuredActionService } from "../app/slack-action-service.js";
import { slackActionsLambda } from "../app/slack-actions.js";

export const handler = withLogContext(
  withMetrics("slackActions", slackActionsLambda(configuredActionService)),
);

/**
 * PLACEHOLDER so the stack packages (the slackActions function of serverless.yml, infra/slack-actions.cjs):
 * the Slack buttons' endpoint is written separately and replaces this file. Until then every request is
 * refused with 503, so a deployed placeholder can never act on anything.
 */
import type { APIGatewayProxyResultV2, LambdaFunctionURLEvent } from "aws-lambda";

export const handler = async (_event: LambdaFunctionURLEvent): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 503,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "ecs-sentinel: the Slack actions endpoint is not built into this package\n",
});

/**
 * Composition of Slack's interactivity endpoint (issue 14): the `slackActions` Lambda behind a Function URL
 * and `ecs-sentinel actions serve` run `handleSlackActionRequest` with the same ports. The action service
 * (authorize, claim, execute) is a parameter: `decide` answers within Slack's 3 seconds, `execute` runs a
 * claim later — in Lambda through an asynchronous self-invocation, locally in-process after the answer.
 */
import type { LambdaClient } from "@aws-sdk/client-lambda";
import type { APIGatewayProxyStructuredResultV2, Context, LambdaFunctionURLEvent } from "aws-lambda";
import type { Log } from "../shared/log.js";
import type { Metrics } from "../shared/metrics/port.js";
import { recordSlackRequest } from "../shared/metrics/slack-actions.js";
import {
  handleSlackActionRequest,
  SLACK_ACTIONS_PATH,
  type SlackActionEndpointDeps,
} from "../shared/slack-actions/endpoint.js";
import { buildResponder } from "../shared/slack-actions/response-url.js";
import { executeEventClaim, selfInvokeDefer } from "../shared/slack-actions/self-invoke.js";
import { SigningSecretError, signingSecretSource } from "../shared/slack-actions/signing-secret.js";
import type { DecideAction, DeferAction, ExecuteAction } from "../shared/slack-actions/types.js";
import { once, secretsClient, ssmClient } from "./aws.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { lambdaRuntime, type RuntimeOptions } from "./runtime.js";

/** What the action service provides to the endpoint. */
export interface SlackActionService {
  decide: DecideAction;
  execute: ExecuteAction;
}

/** Builds the action service from the configuration (the lead's part of issue 14). */
export type SlackActionServiceFactory = (config: Config, runtime: RuntimeOptions) => SlackActionService;

export interface SlackActionsPorts {
  decide: DecideAction;
  execute: ExecuteAction;
  defer: DeferAction;
  signingSecret: () => Promise<string>;
  respond: (responseUrl: string, text: string) => Promise<void>;
  log: Log;
  /** Epoch milliseconds (default Date.now). */
  clock?: () => number;
  /** Counts the refused requests (src/app/metrics.ts); absent = not counted. */
  metrics?: Metrics;
}

/** The Function URL answers at its root and at /slack/actions (the stack output may name either). */
export const LAMBDA_PATHS = ["/", SLACK_ACTIONS_PATH] as const;

/** A Function URL result (payload format 2.0, structured: status, headers, body). */
export type SlackActionsResult = APIGatewayProxyStructuredResultV2;

export type SlackActionsLambda = (event: unknown) => Promise<SlackActionsResult | undefined>;

function isUrlRequest(event: unknown): event is LambdaFunctionURLEvent {
  const http = (event as { requestContext?: { http?: { method?: unknown } } } | null)?.requestContext?.http;
  return typeof http?.method === "string";
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * The Lambda behind the Function URL: an HTTP request (payload format 2.0, body base64-decoded when flagged)
 * goes through the endpoint and its `after` runs before returning (the Function URL answers on return); the
 * asynchronous self-invocation `{ kind: "execute-slack-action", claimId }` runs the claim (a failure is
 * thrown, so Lambda retries the event); anything else is dropped with a log line.
 */
export function buildSlackActionsHandler(ports: SlackActionsPorts): SlackActionsLambda {
  const clock = ports.clock ?? Date.now;
  const endpoint: SlackActionEndpointDeps = {
    signingSecret: ports.signingSecret,
    clock,
    decide: ports.decide,
    defer: ports.defer,
    respond: ports.respond,
    log: ports.log,
    paths: LAMBDA_PATHS,
  };
  return async (event) => {
    if (isUrlRequest(event)) {
      const started = clock();
      const raw = event.body ?? "";
      const body = event.isBase64Encoded ? Buffer.from(raw, "base64") : raw;
      const outcome = await handleSlackActionRequest(
        { method: event.requestContext.http.method, path: event.rawPath, headers: event.headers ?? {}, body },
        endpoint,
      );
      if (ports.metrics) recordSlackRequest(ports.metrics, outcome);
      await outcome.after();
      if (outcome.status === 200)
        ports.log.debug("Slack action request answered", { totalMs: clock() - started });
      return {
        statusCode: outcome.status,
        headers: outcome.headers,
        body: outcome.body,
        isBase64Encoded: false,
      };
    }
    const claim = executeEventClaim(event);
    if (claim) {
      try {
        await ports.execute(claim);
        return undefined;
      } catch (error) {
        ports.log.error("Slack action execution failed", { claimId: claim.claimId, error: errorText(error) });
        throw error;
      }
    }
    const keys = typeof event === "object" && event !== null ? Object.keys(event).slice(0, 10) : [];
    ports.log.warn(
      "slackActions event dropped: neither a Function URL request nor an execute-slack-action event",
      {
        type: event === null ? "null" : typeof event,
        keys,
      },
    );
    return undefined;
  };
}

/** The signing secret source of the configuration; ConfigError when it is missing or malformed. */
export function configuredSigningSecret(config: Config, log: Log): () => Promise<string> {
  try {
    const source = signingSecretSource(
      {
        SLACK_SIGNING_SECRET: config.slackSigningSecret,
        SLACK_SIGNING_SECRET_FROM: config.slackSigningSecretFrom,
      },
      { secretsManager: secretsClient, ssm: ssmClient, logger: log },
    );
    if (source) return source;
  } catch (error) {
    if (error instanceof SigningSecretError) throw new ConfigError(error.message);
    throw error;
  }
  throw new ConfigError(
    "Slack buttons need SLACK_SIGNING_SECRET or SLACK_SIGNING_SECRET_FROM (Slack app → Basic Information → Signing Secret)",
  );
}

/** Through `once`, so that its retries are counted like every other client's (aws-retries.ts). */
const lambdaClient = (): Promise<LambdaClient> =>
  once("lambda", () =>
    import("../shared/sdk-commands/lambda.js").then(
      ({ LambdaClient }) => new LambdaClient({ maxAttempts: 3 }),
    ),
  );

/**
 * The deployed handler: configuration, signing secret and action service built once per container (a missing
 * or malformed setting fails every invocation loudly, naming the variable); `defer` invokes this function
 * asynchronously (AWS_LAMBDA_FUNCTION_NAME, set by Lambda).
 */
export function slackActionsLambda(
  service: SlackActionServiceFactory,
  env: Record<string, string | undefined> = process.env,
): (event: unknown, context: Context) => Promise<SlackActionsResult | undefined> {
  const runtime = lambdaRuntime();
  let built: SlackActionsLambda | undefined;
  let failure: unknown;
  try {
    const config = loadConfig(env);
    const signingSecret = configuredSigningSecret(config, runtime.options.log);
    const functionName = env.AWS_LAMBDA_FUNCTION_NAME?.trim();
    if (!functionName)
      throw new ConfigError("AWS_LAMBDA_FUNCTION_NAME is not set: the self-invocation needs it");
    const { decide, execute } = service(config, runtime.options);
    built = buildSlackActionsHandler({
      decide,
      execute,
      defer: selfInvokeDefer(lambdaClient, functionName),
      signingSecret,
      respond: buildResponder({ fetch, log: runtime.options.log }),
      log: runtime.options.log,
      ...(runtime.options.metrics ? { metrics: runtime.options.metrics } : {}),
    });
  } catch (error) {
    failure = error;
    runtime.options.log.error("slackActions cannot start", { error: errorText(error) });
  }
  return async (event, context) => {
    runtime.bind(context);
    if (!built) throw failure;
    return built(event);
  };
}

/**
 * The endpoint served in-process (`ecs-sentinel actions serve`): `defer` runs the execution right there, after
 * the answer was sent; its failure is logged (the answer is long gone).
 */
export function localSlackActions(
  config: Config,
  service: SlackActionServiceFactory,
  options: RuntimeOptions & { clock?: () => number; fetch?: typeof fetch },
): SlackActionEndpointDeps {
  const signingSecret = configuredSigningSecret(config, options.log);
  const { decide, execute } = service(config, options);
  return {
    signingSecret,
    clock: options.clock ?? Date.now,
    decide,
    defer: async (claim) => {
      try {
        await execute(claim);
      } catch (error) {
        options.log.error("Slack action execution failed", {
          claimId: claim.claimId,
          error: errorText(error),
        });
      }
    },
    respond: buildResponder({ fetch: options.fetch ?? fetch, log: options.log }),
    log: options.log,
    paths: [SLACK_ACTIONS_PATH],
  };
}

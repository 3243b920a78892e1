/**
 * The runtime of one composition: where logs go and how much time an invocation has left. A Lambda `Context` is
 * bound to a deadline here, once, for every handler.
 */
import type { Context } from "aws-lambda";
import type { Log } from "../shared/log.js";
import type { Metrics } from "../shared/metrics/port.js";
import { lambdaLog } from "./logger.js";
import { lambdaMetrics } from "./metrics.js";

export interface RuntimeOptions {
  log: Log;
  /** Milliseconds left for this invocation (Lambda's context), used to bound retries. */
  deadline: () => number;
  /** ecs-sentinel's own metrics (src/app/metrics.ts); absent = none (the CLI, `replay --dry-run`, tests). */
  metrics?: Metrics;
}

/** When no invocation is bound (cold start, local runs), retries are bounded as if 30 s were left. */
const UNBOUND_MS = 30_000;

/**
 * The runtime of a Lambda container: the Powertools logger and a deadline read from the current invocation's
 * `Context`; `bind` is called by each invocation before its dependencies are used.
 */
export function lambdaRuntime(): { options: RuntimeOptions; bind: (context: Context) => void } {
  let current: Context | undefined;
  return {
    options: {
      log: lambdaLog,
      metrics: lambdaMetrics(),
      deadline: () => current?.getRemainingTimeInMillis() ?? UNBOUND_MS,
    },
    bind: (context) => {
      current = context;
    },
  };
}

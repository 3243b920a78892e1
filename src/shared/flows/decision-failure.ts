/**
 * A rollback decision that could not be made is a decision people must hear about: this logs it with the
 * reason and notifies it once per triggering event (the notification dedupe store is keyed on the event, so
 * Lambda's retries of the same event do not repeat it; repeated failures of one deployment within the flood
 * window are counted into a digest). What the caller does next (retry or not) stays the caller's choice.
 */

import { errorSummary, isTransientError } from "../aws-errors.js";
import { deploymentReply } from "../deployments/thread-key.js";
import type { Log } from "../log.js";
import { serviceLogKeys } from "../log-keys.js";
import type { ChannelOutcome, Notifier } from "../notify/port.js";
import type { ThreadMeta } from "../notify/threads/types.js";
import { DeliveryError } from "../notify/transports/errors.js";
import { type CheckFailure, checkFailureMessage } from "../rollback/check-failure.js";

/** A notification that failed to go out is retried as such (Lambda), never reported as a failed check. */
export function isDeliveryFailure(error: unknown): boolean {
  return error instanceof DeliveryError;
}

/** The parts of a CheckFailure that come from the error. */
export function failureOf(error: unknown): Pick<CheckFailure, "error" | "errorName" | "transient"> {
  return {
    error: errorSummary(error),
    errorName: error instanceof Error ? error.name : undefined,
    transient: isTransientError(error),
  };
}

export function checkFailureDedupeKey(failure: CheckFailure, eventId: string): string {
  return `check-failed#${failure.trigger}#${failure.deploymentId ?? "-"}#${eventId}`;
}

/**
 * `thread`: where the report goes in Slack app mode; default the deployment's thread when it exists, else a
 * post of its own.
 */
export async function reportCheckFailure(
  deps: { notify: Notifier; log: Log },
  failure: CheckFailure,
  eventId: string,
  thread: ThreadMeta | undefined = deploymentReply(failure.serviceArn, failure.deploymentId),
): Promise<ChannelOutcome[]> {
  const fields = {
    ...serviceLogKeys(failure.serviceArn),
    ...(failure.serviceArn ? {} : { ecsService: failure.serviceName }),
    deploymentId: failure.deploymentId,
    trigger: failure.trigger,
    error: failure.error,
    transient: failure.transient,
  };
  const line = `${failure.check} failed; nothing was changed`;
  if (failure.transient) deps.log.warn(`${line} (transient: the event is retried)`, fields);
  else deps.log.error(line, fields);
  const message = checkFailureMessage(failure);
  const { cluster, ecsService } = serviceLogKeys(failure.serviceArn);
  return deps.notify(message, {
    dedupeKey: checkFailureDedupeKey(failure, eventId),
    throttleKey: `${cluster ?? "-"}#${ecsService ?? message.service}#check-failed#${failure.deploymentId ?? "-"}`,
    serviceArn: failure.serviceArn,
    thread,
  });
}

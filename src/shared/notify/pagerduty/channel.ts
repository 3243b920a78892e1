/**
 * PagerDuty as a channel of the notification service: a message triggers (or adds to) the incident of its
 * problem, and the end of the problem resolves it. The dedup key is the problem's key, so a flood is one
 * incident and its resolve closes exactly that one. The routing key is read on use (a secret) and never logged.
 */
import type { Message } from "../message.js";
import type { PagerDutyPort } from "../transports/pagerduty.js";
import { pagerDutyDedupKey, pagerDutyResolve, pagerDutyTrigger } from "./event.js";

export interface PagerDutyChannel {
  trigger(message: Message, problemKey: string): Promise<void>;
  resolve(problemKey: string): Promise<void>;
}

export function buildPagerDutyChannel(
  send: PagerDutyPort,
  routingKey: () => string | Promise<string>,
): PagerDutyChannel {
  return {
    async trigger(message, problemKey) {
      await send(pagerDutyTrigger(message, await routingKey(), pagerDutyDedupKey([problemKey])));
    },
    async resolve(problemKey) {
      await send(pagerDutyResolve(await routingKey(), pagerDutyDedupKey([problemKey])));
    },
  };
}

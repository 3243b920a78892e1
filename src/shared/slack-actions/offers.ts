/** Which buttons a message offers (pure): the flows attach them; the Slack app channel renders them. */

import { parseTaskDefinitionArn } from "../events/arns.js";
import type { ActionSubject, MessageAction } from "../notify/message.js";
import type { Decision, RollbackOutcome } from "../rollback/types.js";

export function muteActions(subject: ActionSubject): MessageAction[] {
  if (!subject.serviceArn) return [];
  const about = { serviceArn: subject.serviceArn };
  return [
    { kind: "mute-1h", label: "Mute 1 h", subject: about },
    { kind: "mute-24h", label: "Mute 24 h", subject: about },
  ];
}

export function unmuteAction(subject: ActionSubject): MessageAction {
  return { kind: "unmute", label: "Unmute", subject: { serviceArn: subject.serviceArn } };
}

/** Guard rails a person may overrule by asking: the service is set to manual, or automation is cooling down. */
const OFFER_AFTER: ReadonlySet<string> = new Set(["manual-only", "cooldown"]);

/**
 * "Roll back" on a decision that did not roll back automatically but could: a manual service, a cooldown, or an
 * execution that failed. Never where there is nothing to return to, ECS is rolling back, or the service is not
 * opted in at all (tag false or absent: no button).
 */
export function rollbackActions(decision: Decision, outcome: RollbackOutcome | undefined): MessageAction[] {
  const failed = outcome?.status === "failed";
  if (!decision.triggered || !decision.toTaskDefinition) return [];
  if (!failed && !(decision.action === "none" && OFFER_AFTER.has(decision.code))) return [];
  const td = parseTaskDefinitionArn(decision.toTaskDefinition);
  const to = td
    ? `${td.family}${td.revision === undefined ? "" : `:${td.revision}`}`
    : "the previous revision";
  return [
    {
      kind: "rollback",
      label: `Roll back to ${to}`,
      danger: true,
      subject: {
        serviceArn: decision.serviceArn,
        deploymentId: decision.deploymentId,
        toTaskDefinition: decision.toTaskDefinition,
      },
    },
  ];
}

/** "Re-run" on a failed scheduled job run. */
export function rerunAction(job: string): MessageAction {
  return { kind: "rerun", label: "Re-run", subject: { job } };
}

/**
 * Who may act from Slack: SLACK_APPROVERS (user IDs `U…`/`W…`, user-group IDs `S…`), narrowed per service by its
 * tag `ecs-sentinel:approvers` (only approvers listed in both count). A group's members come from Slack's
 * `usergroups.users.list`, cached for a few minutes. Anything unreadable means "not allowed".
 */
import type { ServiceTagsLookup } from "../notify/service-tags.js";

export const APPROVERS_TAG = "ecs-sentinel:approvers";
export const APPROVER_ID = /^[UWS][A-Z0-9]{2,}$/;
const GROUP_TTL_MS = 5 * 60_000;

export interface ApproverDeps {
  approvers: readonly string[];
  tagsFor?: ServiceTagsLookup;
  groupMembers?: (groupId: string) => Promise<string[]>;
  clock?: () => number;
}

export type IsApprover = (userId: string, serviceArn: string | undefined) => Promise<boolean>;

function listOf(value: string | undefined): string[] {
  return (value ?? "")
    .split(/[,\s]+/)
    .map((id) => id.trim())
    .filter((id) => APPROVER_ID.test(id));
}

export function approverCheck(deps: ApproverDeps): IsApprover {
  const clock = deps.clock ?? Date.now;
  const groups = new Map<string, { members: Promise<string[]>; until: number }>();
  const membersOf = (groupId: string) => {
    const cached = groups.get(groupId);
    if (cached && cached.until > clock()) return cached.members;
    const members = (deps.groupMembers?.(groupId) ?? Promise.resolve([])).catch(() => {
      groups.delete(groupId);
      return [] as string[];
    });
    groups.set(groupId, { members, until: clock() + GROUP_TTL_MS });
    return members;
  };

  return async (userId, serviceArn) => {
    let allowed = deps.approvers.filter((id) => APPROVER_ID.test(id));
    if (serviceArn && deps.tagsFor) {
      const tags = await deps.tagsFor(serviceArn).catch(() => undefined);
      // Tags that cannot be read cannot narrow: refuse rather than fall back to the wider list.
      if (!tags) return false;
      const tagged = Object.entries(tags).find(([key]) => key.trim().toLowerCase() === APPROVERS_TAG)?.[1];
      if (tagged !== undefined) {
        const narrowed = new Set(listOf(tagged));
        allowed = allowed.filter((id) => narrowed.has(id));
      }
    }
    if (allowed.includes(userId)) return true;
    for (const group of allowed.filter((id) => id.startsWith("S"))) {
      if ((await membersOf(group)).includes(userId)) return true;
    }
    return false;
  };
}

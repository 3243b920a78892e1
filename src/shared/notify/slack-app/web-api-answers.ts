/**
 * Reading Slack's Web API answers for the adapter (web-api.ts): the base URL check, Slack's own words on an
 * error, and the shapes of a usergroups.users.list and an auth.test answer
 * (https://docs.slack.dev/reference/methods/auth.test). No I/O beyond reading a response body.
 */
import type { SlackIdentity } from "./api-port.js";
import { SlackApiConfigError } from "./errors.js";

export type Answer = Record<string, unknown>;

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https, or plain http on loopback only (tests); always ends with "/". Never needs to echo a secret: it has none. */
export function normalizeSlackApiUrl(candidate: string): string {
  let url: URL;
  try {
    url = new URL(candidate.trim());
  } catch {
    throw new SlackApiConfigError(
      `SLACK_API_URL is not a valid URL: ${JSON.stringify(candidate.slice(0, 200))}`,
    );
  }
  const loopback = url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname);
  if (url.protocol !== "https:" && !loopback)
    throw new SlackApiConfigError(`SLACK_API_URL must use https (got ${url.protocol.replace(":", "")})`);
  if (url.username || url.password) throw new SlackApiConfigError("SLACK_API_URL must not carry credentials");
  if (url.search || url.hash)
    throw new SlackApiConfigError("SLACK_API_URL must not have a query or fragment");
  const text = url.toString();
  return text.endsWith("/") ? text : `${text}/`;
}

/** Printable, short: Slack's explanations are logged. */
export function clean(text: string, max = 300): string {
  return text
    .replace(/[^\x20-\x7e]+/g, " ")
    .trim()
    .slice(0, max);
}

/** Slack's own words on an error: which block failed, which scope is needed. */
export function errorDetail(body: Answer): string | undefined {
  const parts: string[] = [];
  const metadata = body.response_metadata as { messages?: unknown } | undefined;
  for (const list of [body.errors, metadata?.messages]) {
    if (Array.isArray(list)) parts.push(...list.filter((item): item is string => typeof item === "string"));
  }
  if (typeof body.needed === "string") parts.push(`needed: ${body.needed}`);
  if (typeof body.provided === "string") parts.push(`provided: ${body.provided}`);
  return parts.length > 0 ? clean([...new Set(parts)].join("; ")) : undefined;
}

export async function readJson(response: Response): Promise<Answer | undefined> {
  const text = await response.text().catch(() => "");
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Answer)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A user-group ID as Slack encodes it (S0604QSJC); anything else is refused before calling Slack. */
export const USERGROUP_ID = /^S[A-Z0-9]{2,30}$/;
/** A user ID (U…, or W… in Enterprise organizations). */
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** The `users` of a usergroups.users.list answer, or a description of what is wrong with it. */
export function usergroupUsers(body: Answer): { users: string[] } | { problem: string } {
  if (!Array.isArray(body.users)) return { problem: "ok: true without a users list" };
  const users: string[] = [];
  for (const user of body.users) {
    if (typeof user !== "string" || !USER_ID.test(user)) return { problem: "a member that is not a user ID" };
    users.push(user);
  }
  return { users: [...new Set(users)] };
}

const TEAM_ID = /^T[A-Z0-9]{2,30}$/;
const ENTERPRISE_ID = /^E[A-Z0-9]{2,30}$/;
const BOT_ID = /^B[A-Z0-9]{2,30}$/;

/** The identity in an auth.test answer, or what is wrong with it; an ID of the wrong shape counts as absent. */
export function authIdentity(body: Answer): SlackIdentity | { problem: string } {
  const shaped = (value: unknown, shape: RegExp) =>
    typeof value === "string" && shape.test(value) ? value : undefined;
  const teamId = shaped(body.team_id, TEAM_ID);
  const enterpriseId = shaped(body.enterprise_id, ENTERPRISE_ID);
  const extra = {
    isEnterpriseInstall: body.is_enterprise_install === true,
    ...(shaped(body.user_id, USER_ID) ? { userId: body.user_id as string } : {}),
    ...(shaped(body.bot_id, BOT_ID) ? { botId: body.bot_id as string } : {}),
  };
  if (enterpriseId) return { ...(teamId ? { teamId } : {}), enterpriseId, ...extra };
  if (teamId) return { teamId, ...extra };
  return { problem: "ok: true without a team_id or enterprise_id" };
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

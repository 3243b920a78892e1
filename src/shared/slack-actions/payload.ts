/**
 * The body of a verified Slack interactivity request: `application/x-www-form-urlencoded` with one field,
 * `payload`, holding JSON (https://api.slack.com/reference/interaction-payloads/block-actions). Only a
 * `block_actions` click on a message button whose `action_id` is one of ours becomes a ClickedAction; every
 * other payload is "not for us" and a body that is not such a form is "malformed". Never throws.
 */
import * as z from "zod/mini";
import { type ActionKind, actionKindOf, type ClickedAction } from "./types.js";

export type ParsedPayload =
  | { kind: "click"; click: ClickedAction }
  /** A well-formed payload that is not a click on one of our buttons (another type, another button). */
  | { kind: "ignored"; reason: string }
  | { kind: "malformed"; reason: string };

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const id = text(64);
const ts = z.string().check(z.regex(/^[0-9]{1,12}(\.[0-9]{1,9})?$/));

const actionSchema = z.looseObject({
  action_id: z.string(),
  value: z.optional(z.string()),
  action_ts: z.optional(z.string()),
});

const blockActionsSchema = z.looseObject({
  type: z.literal("block_actions"),
  user: z.looseObject({
    id,
    username: z.optional(z.string()),
    name: z.optional(z.string()),
    team_id: z.optional(z.string()),
  }),
  team: z.optional(z.nullable(z.looseObject({ id: z.optional(z.string()) }))),
  enterprise: z.optional(z.nullable(z.looseObject({ id: z.optional(z.string()) }))),
  container: z.looseObject({
    type: z.string(),
    channel_id: z.optional(z.string()),
    message_ts: z.optional(z.string()),
    thread_ts: z.optional(z.string()),
  }),
  channel: z.optional(z.nullable(z.looseObject({ id: z.optional(z.string()) }))),
  message: z.optional(
    z.nullable(z.looseObject({ ts: z.optional(z.string()), thread_ts: z.optional(z.string()) })),
  ),
  response_url: z.optional(z.string()),
  actions: z.array(actionSchema),
});

type BlockActions = z.infer<typeof blockActionsSchema>;

const typed = z.looseObject({ type: z.string() });

/** The `payload` field of the form: exactly one, else undefined. */
function payloadField(body: string): string | undefined {
  const fields = new URLSearchParams(body).getAll("payload");
  return fields.length === 1 ? fields[0] : undefined;
}

function firstOfOurs(
  payload: BlockActions,
): { kind: ActionKind; action: BlockActions["actions"][number] } | undefined {
  for (const action of payload.actions) {
    const kind = actionKindOf(action.action_id);
    if (kind) return { kind, action };
  }
  return undefined;
}

const optionalText = (value: string | undefined) => (value ? value : undefined);

function toClick(payload: BlockActions): ParsedPayload {
  if (payload.container.type !== "message") {
    return { kind: "ignored", reason: `a click in a ${payload.container.type}, not on a message` };
  }
  const ours = firstOfOurs(payload);
  if (!ours) {
    const ids = payload.actions.map((action) => action.action_id).join(", ") || "none";
    return { kind: "ignored", reason: `no ecs-sentinel button among the actions (${ids})` };
  }
  const channel = payload.container.channel_id ?? payload.channel?.id;
  const messageTs = payload.container.message_ts ?? payload.message?.ts;
  if (!channel || !id.safeParse(channel).success) return { kind: "malformed", reason: "no channel id" };
  if (!messageTs || !ts.safeParse(messageTs).success) return { kind: "malformed", reason: "no message ts" };
  const threadTs = payload.container.thread_ts ?? payload.message?.thread_ts;
  const click: ClickedAction = {
    kind: ours.kind,
    userId: payload.user.id,
    channel,
    messageTs,
  };
  const optional: Partial<ClickedAction> = {
    value: ours.action.value,
    userName: optionalText(payload.user.username) ?? optionalText(payload.user.name),
    teamId: optionalText(payload.team?.id) ?? optionalText(payload.user.team_id),
    userTeamId: optionalText(payload.user.team_id),
    enterpriseId: optionalText(payload.enterprise?.id),
    threadTs: threadTs && ts.safeParse(threadTs).success ? threadTs : undefined,
    responseUrl: optionalText(payload.response_url),
    actionTs: optionalText(ours.action.action_ts),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(click, { [key]: value });
  }
  return { kind: "click", click };
}

/** The click in a verified request body, or why there is none. */
export function parseSlackActionBody(body: string): ParsedPayload {
  const field = payloadField(body);
  if (field === undefined) return { kind: "malformed", reason: "no single payload field in the form body" };
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    // JSON.parse's message quotes the input: not passed on.
    return { kind: "malformed", reason: "the payload field is not JSON" };
  }
  const type = typed.safeParse(json);
  if (!type.success) return { kind: "malformed", reason: "the payload has no type" };
  if (type.data.type !== "block_actions") {
    return { kind: "ignored", reason: `payload type ${type.data.type.slice(0, 40)}` };
  }
  const parsed = blockActionsSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join(".") || "(root)").slice(0, 5);
    return { kind: "malformed", reason: `block_actions payload with invalid fields: ${fields.join(", ")}` };
  }
  return toClick(parsed.data);
}

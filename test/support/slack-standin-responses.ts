/**
 * Each click's `response_url` in the Slack Web API stand-in (docs.slack.dev/interactivity/handling-user-
 * interaction, "Message responses"; docs.slack.dev/messaging/modifying-messages): a JSON POST with `text` and/or
 * `blocks`; `response_type` `ephemeral` (the default: shown to the clicking user only) or `in_channel` (a new
 * message in the channel, or in `thread_ts`'s thread); `replace_original: true` edits the message that carried
 * the button, `delete_original: true` deletes it. Usable at most 5 times, within 30 minutes of the click (stand-in
 * clock). Answers 200 `{"ok": true}`; refusals (codes as the stand-in names them; Slack documents the limits,
 * not each answer): 404 `expired_url` / `used_url` / `no_such_url`, 400 `invalid_payload` (not a JSON object,
 * or a response_type Slack does not know), `no_text`, `invalid_blocks`, `msg_too_long`.
 */
import type { IncomingMessage } from "node:http";
import { type Answer, checkContent, isObject, parseJson } from "./slack-standin-answers.js";
import type { StandinChannel, StandinMessage, StandinResponse } from "./slack-standin-types.js";

export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60 * 1000;

interface Registered {
  clickId: string;
  channel: string;
  messageTs: string;
  userId: string;
  createdAt: number;
  uses: number;
}

export interface ResponsesContext {
  clock: () => number;
  messages: StandinMessage[];
  channels: StandinChannel[];
  nextTs(): string;
}

const refuse = (status: number, error: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  body: { ok: false, error, ...extra },
});

export function createResponseUrls(context: ResponsesContext) {
  const registered = new Map<string, Registered>();
  const recorded: StandinResponse[] = [];

  function apply(
    entry: Registered,
    args: Record<string, unknown>,
  ): Answer & { effect?: StandinResponse["effect"] } {
    const original = context.messages.find((m) => m.channel === entry.channel && m.ts === entry.messageTs);
    if (args.delete_original === true) {
      if (!original || original.deleted) return refuse(404, "message_not_found");
      original.deleted = true;
      return { status: 200, body: { ok: true }, effect: "deleted_original" };
    }
    const responseType = args.response_type ?? "ephemeral";
    if (responseType !== "ephemeral" && responseType !== "in_channel")
      return refuse(400, "invalid_payload", { detail: "response_type must be ephemeral or in_channel" });
    const invalid = checkContent(args);
    if (invalid) return { ...invalid, status: 400 };
    const text = typeof args.text === "string" ? args.text : "";
    const blocks = Array.isArray(args.blocks) ? args.blocks : [];
    if (args.replace_original === true) {
      if (!original || original.deleted) return refuse(404, "message_not_found");
      original.text = text;
      original.blocks = blocks;
      original.versions.push({ text, blocks });
      original.edits++;
      return { status: 200, body: { ok: true }, effect: "replaced_original" };
    }
    if (responseType === "in_channel") {
      const poster = original?.postedBy ?? { botUserId: "U0RESPONSE", botId: "B0RESPONSE" };
      const ts = context.nextTs();
      const threadTs = typeof args.thread_ts === "string" ? args.thread_ts : undefined;
      context.messages.push({
        channel: entry.channel,
        ts,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text,
        blocks,
        postedBy: poster,
        versions: [{ text, blocks }],
        edits: 0,
        deleted: false,
      });
      return { status: 200, body: { ok: true }, effect: "in_channel" };
    }
    return { status: 200, body: { ok: true }, effect: "ephemeral" };
  }

  return {
    register(click: Omit<Registered, "createdAt" | "uses">): void {
      registered.set(click.clickId, { ...click, createdAt: context.clock(), uses: 0 });
    },
    handle(req: IncomingMessage, raw: string, clickId: string): Answer {
      const entry = registered.get(clickId);
      if (!entry || req.method !== "POST") return refuse(404, "no_such_url");
      const json = parseJson(raw);
      const record = (answer: Answer & { effect?: StandinResponse["effect"] }): Answer => {
        const body = answer.body;
        recorded.push({
          clickId,
          at: context.clock(),
          status: answer.status,
          answer: typeof body === "object" ? (body.ok ? "ok" : String(body.error)) : `http_${answer.status}`,
          json,
          ...(answer.effect ? { effect: answer.effect } : {}),
          userId: entry.userId,
        });
        return { status: answer.status, body: answer.body };
      };
      if (context.clock() - entry.createdAt > RESPONSE_URL_TTL_MS) return record(refuse(404, "expired_url"));
      if (entry.uses >= RESPONSE_URL_USES) return record(refuse(404, "used_url"));
      const type = (req.headers["content-type"] ?? "").toLowerCase();
      if (!type.startsWith("application/json") || !isObject(json))
        return record(refuse(400, "invalid_payload", { detail: "a JSON object body is expected" }));
      const answer = apply(entry, json);
      if (answer.status === 200) entry.uses++;
      return record(answer);
    },
    responses(clickId?: string): StandinResponse[] {
      return recorded.filter((r) => clickId === undefined || r.clickId === clickId);
    },
  };
}

/**
 * A local stand-in of Slack's Web API (chat.postMessage, chat.update): a real HTTP server on 127.0.0.1 that
 * enforces what Slack documents, so a client that passes here does what Slack accepts. Sources:
 * - Authentication: docs.slack.dev/authentication/tokens and every method's "token" argument: the token goes in
 *   `Authorization: Bearer`; none → `not_authed`, unknown → `invalid_auth`, revoked → `token_revoked`, and a
 *   token without the method's scope → `missing_scope` with `needed` / `provided`.
 * - chat.postMessage (docs.slack.dev/reference/methods/chat.postMessage): `channel_not_found` (unknown, or a
 *   private channel the bot is not in), `is_archived`, `not_in_channel` (a public channel the bot was not invited
 *   to, unless it has chat:write.public: docs.slack.dev/reference/scopes/chat.write.public), `no_text` (neither
 *   text nor blocks), `msg_too_long` (text over 40,000 characters), `invalid_blocks`; answers `ok`, `channel`
 *   (the ID, also when a name was given), `ts` and `message`.
 * - thread_ts: "Provide another message's ts value to make this message a reply. Avoid using a reply's ts value;
 *   use its parent instead." Slack answers `ok: true` to a thread_ts that is no top-level message of the channel
 *   (a reply's ts, a deleted or unknown message), and the message is then shown nowhere
 *   (github.com/slackapi/python-slack-sdk/issues/840). The stand-in mirrors that: `ok: true`, and the message is
 *   recorded as `lost` (with why) — never as a reply, never as a parent of a new thread.
 * - chat.update (docs.slack.dev/reference/methods/chat.update): `channel_not_found`, `is_inactive` (archived
 *   channel), `message_not_found`, `cant_update_message` (not posted by this token's bot), `no_text`,
 *   `msg_too_long`, `invalid_blocks`.
 * - Rate limits (docs.slack.dev/apis/web-api/rate-limits): chat.postMessage "generally allows posting one message
 *   per second per channel" with short bursts; over it: HTTP 429, `Retry-After` in whole seconds, and
 *   `{"ok": false, "error": "ratelimited"}`. Modelled as a token bucket per channel.
 * - usergroups.users.list (slack-standin-usergroups.ts), auth.test (slack-web-api-standin-auth.ts), buttons and their clicks (slack-standin-click.ts),
 *   each click's response_url (slack-standin-responses.ts).
 * Not modelled: the workspace-wide limits, chat.update's Tier 3 limit, form-encoded chat.* bodies (the adapter
 * sends JSON), ephemeral messages with buttons, which users may see a private channel.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type Answer,
  checkContent,
  injected,
  isObject,
  type Json,
  parseJson,
  rateLimited,
  slackError,
  tokenBucket,
} from "./slack-standin-answers.js";
import { createClicker } from "./slack-standin-click.js";
import { createResponseUrls } from "./slack-standin-responses.js";
import type {
  InjectedFailure,
  SlackStandin,
  StandinApp,
  StandinChannel,
  StandinMessage,
  StandinOptions,
  StandinRequest,
  StandinToken,
} from "./slack-standin-types.js";
import { usergroupArguments, usergroupsHandler } from "./slack-standin-usergroups.js";
import { authTestHandler } from "./slack-web-api-standin-auth.js";

export { slackSignature } from "./slack-standin-click.js";
export type * from "./slack-standin-types.js";

const USERGROUPS = "usergroups.users.list";
const AUTH_TEST = "auth.test";

export const STANDIN_TOKEN: StandinToken = {
  token: "xoxb-1111111111-2222222222-standinSecretDoNotLog",
  scopes: ["chat:write", "usergroups:read"],
  botUserId: "U0SENTINEL",
  botId: "B0SENTINEL",
};
export const STANDIN_CHANNEL: StandinChannel = {
  id: "C0ALERTS01",
  name: "ecs-alerts",
  members: ["U0SENTINEL"],
};

export const STANDIN_APP: StandinApp = {
  apiAppId: "A0SENTINEL",
  teamId: "T0STANDIN1",
  teamDomain: "ecs-sentinel-standin",
  verificationToken: "standinVerificationTokenNeverTrusted",
};

export async function startSlackStandin(options: StandinOptions = {}): Promise<SlackStandin> {
  const tokens = new Map((options.tokens ?? [STANDIN_TOKEN]).map((t) => [t.token, t]));
  const revoked = new Set<string>();
  const channels = (options.channels ?? [STANDIN_CHANNEL]).map((c) => ({
    ...c,
    members: [...(c.members ?? [])],
  }));
  const clock = options.clock ?? Date.now;
  const rate = options.postsPerSecond ?? 1;
  const burst = options.burst ?? 3;
  const takePost = tokenBucket(clock, rate, burst);
  const messages: StandinMessage[] = [];
  const requests: StandinRequest[] = [];
  const failures = new Map<string, InjectedFailure[]>();
  let lastTs = { seconds: 0, seq: 0 };
  const app = { ...STANDIN_APP, ...options.app };
  const usergroups = (options.usergroups ?? []).map((g) => ({ ...g, users: [...g.users] }));
  const usergroupMembers = usergroupsHandler({
    tokens,
    revoked,
    groups: usergroups,
    available: options.userGroupsAvailable ?? true,
    clock,
    perMinute: options.usergroupCallsPerMinute ?? 20,
  });
  const authTest = authTestHandler({ tokens, revoked, app });

  const findChannel = (idOrName: unknown) =>
    typeof idOrName === "string"
      ? channels.find((c) => c.id === idOrName || `#${c.name}` === idOrName || c.name === idOrName)
      : undefined;

  /** Unique and increasing, "1765000000.000100" style. */
  function nextTs(): string {
    const seconds = Math.max(Math.floor(clock() / 1000), lastTs.seconds);
    lastTs = { seconds, seq: seconds === lastTs.seconds ? lastTs.seq + 100 : 100 };
    return `${seconds}.${String(lastTs.seq).padStart(6, "0")}`;
  }

  function postMessage(auth: StandinToken, args: Json): Answer {
    const channel = findChannel(args.channel);
    const member = channel?.members.includes(auth.botUserId) ?? false;
    if (!channel || (channel.private && !member)) return slackError("channel_not_found");
    if (channel.archived) return slackError("is_archived");
    if (!member && !auth.scopes.includes("chat:write.public")) return slackError("not_in_channel");
    const waitSeconds = takePost(channel.id);
    if (waitSeconds !== undefined) return rateLimited(waitSeconds);
    const invalid = checkContent(args);
    if (invalid) return invalid;
    const ts = nextTs();
    const text = typeof args.text === "string" ? args.text : "";
    const blocks = Array.isArray(args.blocks) ? args.blocks : [];
    const message: StandinMessage = {
      channel: channel.id,
      ts,
      text,
      blocks,
      postedBy: { botUserId: auth.botUserId, botId: auth.botId },
      versions: [{ text, blocks }],
      edits: 0,
      deleted: false,
    };
    if (args.thread_ts !== undefined) {
      const threadTs = String(args.thread_ts);
      message.thread_ts = threadTs;
      const parent = messages.find((m) => m.channel === channel.id && m.ts === threadTs);
      if (!parent) message.lost = `thread_ts ${threadTs} is no message of ${channel.id}`;
      else if (parent.deleted) message.lost = `thread_ts ${threadTs} was deleted`;
      else if (parent.lost) message.lost = `thread_ts ${threadTs} is itself a lost message`;
      else if (parent.thread_ts !== undefined)
        message.lost = `thread_ts ${threadTs} is a reply, not a parent`;
    }
    messages.push(message);
    return {
      status: 200,
      body: {
        ok: true,
        channel: channel.id,
        ts,
        message: {
          type: "message",
          subtype: "bot_message",
          text,
          user: auth.botUserId,
          bot_id: auth.botId,
          ts,
          ...(message.thread_ts ? { thread_ts: message.thread_ts } : {}),
          blocks,
        },
      },
    };
  }

  function update(auth: StandinToken, args: Json): Answer {
    const channel = channels.find((c) => c.id === args.channel);
    if (!channel || (channel.private && !channel.members.includes(auth.botUserId)))
      return slackError("channel_not_found");
    if (channel.archived) return slackError("is_inactive");
    const message = messages.find((m) => m.channel === channel.id && m.ts === args.ts);
    if (!message || message.deleted || message.lost) return slackError("message_not_found");
    if (message.postedBy.botId !== auth.botId) return slackError("cant_update_message");
    const invalid = checkContent(args);
    if (invalid) return invalid;
    message.text = typeof args.text === "string" ? args.text : "";
    message.blocks = Array.isArray(args.blocks) ? args.blocks : [];
    message.versions.push({ text: message.text, blocks: message.blocks });
    message.edits++;
    return {
      status: 200,
      body: {
        ok: true,
        channel: channel.id,
        ts: message.ts,
        text: message.text,
        message: {
          type: "message",
          text: message.text,
          user: auth.botUserId,
          bot_id: auth.botId,
          blocks: message.blocks,
        },
      },
    };
  }

  function handle(req: IncomingMessage, raw: string, method: string): Answer {
    if (method !== "chat.postMessage" && method !== "chat.update") return slackError("unknown_method");
    if (req.method !== "POST") return { status: 405, body: { ok: false, error: "invalid_post_type" } };
    const contentType = req.headers["content-type"];
    if (!contentType) return slackError("missing_post_type");
    // The stand-in speaks JSON only (what the adapter sends); Slack would also take form bodies.
    if (!contentType.toLowerCase().startsWith("application/json")) return slackError("invalid_post_type");
    let args: unknown;
    try {
      args = JSON.parse(raw);
    } catch {
      return slackError("invalid_json");
    }
    if (!isObject(args)) return slackError("invalid_json");
    const header = req.headers.authorization;
    // A token in a JSON body is not read by Slack: only the Authorization header counts for JSON.
    const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
    if (!bearer) return slackError("not_authed");
    if (revoked.has(bearer)) return slackError("token_revoked");
    const auth = tokens.get(bearer);
    if (!auth) return slackError("invalid_auth");
    if (!auth.scopes.includes("chat:write"))
      return slackError("missing_scope", { needed: "chat:write", provided: auth.scopes.join(",") });
    const answer = method === "chat.postMessage" ? postMessage(auth, args) : update(auth, args);
    if (!contentType.toLowerCase().includes("charset") && typeof answer.body === "object" && answer.body.ok) {
      answer.body.warning = "missing_charset";
      answer.body.response_metadata = { warnings: ["missing_charset"] };
    }
    return answer;
  }

  const responseUrls = createResponseUrls({ clock, messages, channels, nextTs: () => nextTs() });

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://standin");
      const path = url.pathname;
      if (path.startsWith("/actions/")) {
        const answer = responseUrls.handle(req, raw, path.slice("/actions/".length));
        res.writeHead(answer.status, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(answer.body));
        return;
      }
      const method = path.startsWith("/api/") ? path.slice("/api/".length) : path;
      const failure = failures.get(method)?.shift();
      const groupArgs = method === USERGROUPS ? usergroupArguments(req, raw, url.searchParams) : undefined;
      const respond = () => {
        const answer =
          (failure && injected(failure)) ??
          (groupArgs
            ? usergroupMembers(req, groupArgs)
            : method === AUTH_TEST
              ? authTest(req, raw)
              : handle(req, raw, method));
        const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
        requests.push({
          method,
          httpMethod: req.method ?? "",
          headers: req.headers,
          json: groupArgs ? Object.fromEntries(groupArgs) : parseJson(raw),
          at: clock(),
          answer:
            typeof answer.body === "object"
              ? answer.body.ok
                ? "ok"
                : String(answer.body.error)
              : `http_${answer.status}`,
        });
        const type = typeof answer.body === "string" ? "text/plain" : "application/json; charset=utf-8";
        res.writeHead(answer.status, { "content-type": type, ...answer.headers });
        res.end(body);
      };
      if (failure && "delayMs" in failure) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) respond();
        }, failure.delayMs);
        timers.add(timer);
        return;
      }
      respond();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const clicker = createClicker({
    app,
    clock,
    locate: (channel, ts) => {
      const found = channelOf(channel);
      const message = messages.find((m) => m.channel === found.id && m.ts === ts);
      if (!message) throw new Error(`the stand-in has no message ${ts} in ${channel}`);
      return { channel: found, message };
    },
    responseUrl: (click) => {
      responseUrls.register(click);
      return `http://127.0.0.1:${port}/actions/${click.clickId}`;
    },
  });

  const channelOf = (id: string) => {
    const channel = channels.find((c) => c.id === id || c.name === id);
    if (!channel) throw new Error(`the stand-in has no channel ${id}`);
    return channel;
  };

  return {
    url: `http://127.0.0.1:${port}/api/`,
    messages,
    requests,
    counts(channel) {
      const scope = messages.filter((m) => channel === undefined || m.channel === channelOf(channel).id);
      const visible = scope.filter((m) => !m.deleted && !m.lost);
      return {
        topLevel: visible.filter((m) => m.thread_ts === undefined).length,
        replies: visible.filter((m) => m.thread_ts !== undefined).length,
        edits: scope.reduce((sum, m) => sum + m.edits, 0),
        lost: scope.filter((m) => m.lost).length,
      };
    },
    failNext(method, answer) {
      failures.set(method, [...(failures.get(method) ?? []), answer]);
    },
    deleteMessage(channel, ts) {
      const message = messages.find((m) => m.channel === channelOf(channel).id && m.ts === ts);
      if (!message) throw new Error(`the stand-in has no message ${ts} in ${channel}`);
      message.deleted = true;
    },
    archive(channel) {
      channelOf(channel).archived = true;
    },
    revoke(token) {
      revoked.add(token);
    },
    usergroups,
    app,
    click: (options) => clicker.click(options),
    redeliver: (clickId, options) => clicker.redeliver(clickId, options),
    responses: (clickId) => responseUrls.responses(clickId),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The Slack app channel: posts a message on its own, or into its conversation (see threads/types.ts):
 *
 *   no thread               -> a top-level post
 *   thread not there yet    -> claim it (one poster wins under concurrency), post the parent card, record its ts,
 *                              then the message as a reply when the card is a separate opening
 *   thread exists           -> apply the card patch (saved optimistically, ordered by event time) and edit the
 *                              parent; post the message as a reply where it adds detail (detail keys, capped)
 *
 * The parent's ts lives in the thread store, never read back from Slack. A parent that is gone (deleted, cannot
 * be edited) is posted again; a channel that cannot take posts (tag-chosen channel archived, bot not invited)
 * falls back to the default channel. Everything else propagates to the pipeline: a transient error retries the
 * event, a permanent one lets email take the message.
 */
import { randomUUID } from "node:crypto";
import type { Message } from "../message.js";
import { applyPatch, cardMessage, openCard } from "../threads/card.js";
import { MAX_DETAIL_REPLIES, type ThreadMeta, type ThreadRecord } from "../threads/types.js";
import { realSleep } from "../transports/ports.js";
import type { SlackAppChannel, SlackAppDeps, SlackRoute } from "./channel-types.js";
import { slackErrorAction, ThreadBusyError, ThreadContentionError } from "./errors-of.js";

export type { SlackActivity, SlackAppChannel, SlackAppDeps, SlackRoute } from "./channel-types.js";

const SAVE_ATTEMPTS = 6;

interface Target {
  meta: ThreadMeta;
  record?: ThreadRecord;
}

function eventTime(message: Message, meta: ThreadMeta | undefined, clock: () => number): number {
  if (meta?.patch) return meta.patch.at;
  const parsed = message.time ? Date.parse(message.time) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : clock();
}

export function buildSlackAppChannel(deps: SlackAppDeps): SlackAppChannel {
  const { api, threads, logger, render: renderMessage } = deps;
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? realSleep;
  const leaseMs = deps.leaseMs ?? 60_000;
  const editIntervalMs = deps.editIntervalMs ?? 10_000;
  const busyAttempts = deps.busyAttempts ?? 8;
  const busyDelayMs = deps.busyDelayMs ?? 500;
  const lastTouchEdit = new Map<string, number>();
  const rememberTouch = (key: string, now: number) => {
    if (lastTouchEdit.size > 1000) lastTouchEdit.clear();
    lastTouchEdit.set(key, now);
  };

  const isStale = (record: ThreadRecord, meta: ThreadMeta, at: number) =>
    meta.idleMs !== undefined && at - record.lastSeenAt > meta.idleMs;

  /**
   * A parent another delivery is posting right now (a record without ts) is waited for, so a copy of the same
   * story does not miss the thread and post on its own; one that never appears is retried with the event.
   */
  async function posted(channel: string, key: string, found: ThreadRecord | undefined) {
    const pending = (r: ThreadRecord | undefined) =>
      r !== undefined && !r.ts && (r.leaseUntil ?? 0) > clock();
    let record = found;
    for (let attempt = 0; pending(record) && attempt < busyAttempts; attempt++) {
      await sleep(busyDelayMs);
      record = await threads.find(channel, key);
    }
    if (pending(record)) throw new ThreadBusyError(key);
    // A claim that lapsed without a parent is as good as none: the thread may be opened again.
    return record?.ts ? record : undefined;
  }

  /** The first candidate (following joinOnly fallbacks) with a live parent, or the one to open. */
  async function resolve(channel: string, meta: ThreadMeta, at: number): Promise<Target | undefined> {
    let candidate: ThreadMeta | undefined = meta;
    while (candidate) {
      const record = await posted(channel, candidate.key, await threads.find(channel, candidate.key));
      if (record?.ts && !isStale(record, candidate, at)) return { meta: candidate, record };
      if (!candidate.joinOnly) return { meta: candidate };
      candidate = candidate.fallback;
    }
    return undefined;
  }

  const observe = deps.observe ?? (() => {});
  const render = (message: Message) =>
    renderMessage(deps.offers || !message.actions ? message : { ...message, actions: undefined });

  /** Remembers what the buttons of a message just posted (or edited) act on. */
  async function offer(
    channel: string,
    ts: string,
    message: Message,
    where: { threadKey?: string; parentTs?: string; payload?: { text: string; blocks: unknown[] } },
    /** A card whose buttons changed: its record is replaced even by none, so old buttons stop working. */
    replace = false,
  ) {
    if (!deps.offers || (!message.actions?.length && !replace)) return;
    const actions = (message.actions ?? []).map((a) => ({ kind: a.kind, subject: a.subject }));
    await deps.offers({ channel, ts, actions, ...where, at: clock() }).catch((error: unknown) => {
      logger.error(
        "Could not record what a message's buttons act on; they will answer that they are not valid",
        {
          channel,
          ts,
          error: error instanceof Error ? error.message : String(error),
        },
      );
    });
  }

  async function postTopLevel(channel: string, message: Message) {
    const payload = render(message);
    const posted = await api.postMessage({ channel, ...payload });
    observe({ kind: "post", channel, ts: posted.ts, text: payload.text });
    await offer(channel, posted.ts, message, { payload });
  }

  async function postParent(channel: string, record: ThreadRecord): Promise<string> {
    const shown = cardMessage(record.card);
    const payload = render(shown);
    const posted = await api.postMessage({ channel, ...payload });
    observe({ kind: "parent", channel, ts: posted.ts, thread: record.key, text: payload.text });
    await offer(channel, posted.ts, shown, { threadKey: record.key, parentTs: posted.ts });
    return posted.ts;
  }

  async function addAliases(meta: ThreadMeta, key: string) {
    for (const alias of meta.aliases ?? []) {
      if (alias !== key) await threads.alias(alias, key, clock());
    }
  }

  /** Saves `mutate(current)` with optimistic concurrency; returns the saved record. */
  async function saveWith(
    channel: string,
    start: ThreadRecord,
    mutate: (current: ThreadRecord) => ThreadRecord | undefined,
  ): Promise<{ saved: ThreadRecord; before: ThreadRecord } | undefined> {
    let current: ThreadRecord | undefined = start;
    for (let attempt = 0; attempt < SAVE_ATTEMPTS && current; attempt++) {
      const next = mutate(current);
      if (!next) return undefined;
      if (await threads.save(next, current.version)) {
        return { saved: { ...next, version: current.version + 1 }, before: current };
      }
      current = await threads.find(channel, start.key);
    }
    if (!current) return undefined;
    throw new ThreadContentionError(start.key);
  }

  /**
   * Edits the parent; a parent that is gone is posted again. A newer save than ours is shown instead.
   * Returns the record with the parent's current ts (replies must go under a parent that still exists: Slack
   * accepts a reply to a deleted parent and shows it nowhere).
   */
  async function editCard(channel: string, record: ThreadRecord): Promise<ThreadRecord> {
    let shown = record;
    for (let round = 0; round < 3 && shown.ts; round++) {
      const payload = render(cardMessage(shown.card));
      try {
        await api.update({ channel, ts: shown.ts, ...payload });
        observe({
          kind: "edit",
          channel,
          ts: shown.ts,
          parentTs: shown.ts,
          thread: shown.key,
          text: payload.text,
        });
      } catch (error) {
        if (slackErrorAction(error) !== "repost") throw error;
        logger.warn("The thread's parent message is gone or cannot be edited; posting it again", {
          thread: shown.key,
          channel,
          error: error instanceof Error ? error.message : String(error),
        });
        const ts = await postParent(channel, shown);
        const saved = await saveWith(channel, shown, (current) => ({ ...current, ts }));
        return saved?.saved ?? { ...shown, ts };
      }
      // Concurrent editors may reach Slack out of order: whoever saved an older version shows the newest.
      const latest = await threads.find(channel, shown.key);
      if (!latest || latest.version <= shown.version) return shown;
      shown = latest;
    }
    return shown;
  }

  async function reply(channel: string, record: ThreadRecord, message: Message) {
    const payload = render(message);
    const replyIn = async (parentTs: string | undefined) => {
      const posted = await api.postMessage({ channel, thread_ts: parentTs, ...payload });
      observe({ kind: "reply", channel, ts: posted.ts, parentTs, thread: record.key, text: payload.text });
      await offer(channel, posted.ts, message, { threadKey: record.key, parentTs, payload });
    };
    try {
      await replyIn(record.ts);
    } catch (error) {
      if (slackErrorAction(error) !== "repost") throw error;
      const ts = await postParent(channel, record);
      await saveWith(channel, record, (current) => ({ ...current, ts }));
      await replyIn(ts);
    }
  }

  async function continueThread(
    channel: string,
    meta: ThreadMeta,
    record: ThreadRecord,
    message: Message,
    route: SlackRoute,
    at: number,
    justPosted = false,
  ) {
    const wantsReply = meta.reply !== false && route.cardOnly !== true;
    let replyNow = false;
    let cardChanged = false;
    const result = await saveWith(channel, record, (current) => {
      const patched = meta.patch ? applyPatch(current.card, meta.patch) : undefined;
      let details = current.details;
      replyNow = wantsReply;
      if (replyNow && meta.detailKey) {
        if (details.includes(meta.detailKey) || details.length >= MAX_DETAIL_REPLIES) replyNow = false;
        else details = [...details, meta.detailKey];
      }
      cardChanged = patched?.changed === true;
      const lastSeenAt = Math.max(current.lastSeenAt, at);
      if (!cardChanged && details === current.details && lastSeenAt === current.lastSeenAt) return undefined;
      return { ...current, card: patched?.card ?? current.card, details, lastSeenAt };
    });
    let saved = result?.saved ?? record;
    // An edit before a reply also proves the parent still exists (Slack takes a reply to a deleted parent and
    // shows it nowhere); replies are few, so this costs little.
    if (cardChanged || meta.refresh || (replyNow && !justPosted)) saved = await editCard(channel, saved);
    // New buttons on an existing card (a pause, Unmute after Mute) answer only once what they act on is known.
    if (cardChanged && meta.patch?.actions !== undefined && saved.ts)
      await offer(
        channel,
        saved.ts,
        cardMessage(saved.card),
        { threadKey: saved.key, parentTs: saved.ts },
        true,
      );
    if (replyNow) {
      try {
        await reply(channel, saved, message);
      } catch (error) {
        // The detail key was reserved for this reply: give it back so the retry of the event posts it.
        const key = meta.detailKey;
        if (key && result) {
          await saveWith(channel, saved, (current) => ({
            ...current,
            details: current.details.filter((d) => d !== key),
          })).catch(() => undefined);
        }
        throw error;
      }
    }
    await addAliases(meta, saved.key);
  }

  async function openThread(
    channel: string,
    meta: ThreadMeta,
    message: Message,
    route: SlackRoute,
    at: number,
  ) {
    const owner = randomUUID();
    const card = openCard(meta.opening ?? message, meta.patch);
    const details = meta.detailKey && !meta.opening ? [meta.detailKey] : [];
    for (let attempt = 0; attempt < busyAttempts; attempt++) {
      const opened = await threads.open({
        channel,
        key: meta.key,
        card,
        details,
        at,
        now: clock(),
        owner,
        leaseMs,
        staleBefore: meta.idleMs !== undefined ? at - meta.idleMs : undefined,
      });
      if (opened.status === "exists") return continueThread(channel, meta, opened.record, message, route, at);
      if (opened.status === "busy") {
        await sleep(busyDelayMs);
        continue;
      }
      let ts: string;
      try {
        ts = await postParent(channel, opened.record);
      } catch (error) {
        await threads.abandon(channel, meta.key, owner).catch((abandonError: unknown) => {
          logger.warn("Could not give up the thread claim; it frees itself when its lease ends", {
            thread: meta.key,
            error: abandonError instanceof Error ? abandonError.message : String(abandonError),
          });
        });
        throw error;
      }
      try {
        await threads.posted(channel, meta.key, owner, ts);
      } catch (error) {
        // The parent is out; without its ts later events cannot find it and will post a new one.
        logger.error("Posted a thread's parent but could not record its ts", {
          thread: meta.key,
          channel,
          error: error instanceof Error ? error.message : String(error),
        });
        return;
      }
      const record = { ...opened.record, ts };
      if (meta.opening && meta.reply !== false && route.cardOnly !== true) {
        await continueThread(channel, { ...meta, patch: undefined }, record, message, route, at, true);
        return;
      }
      await addAliases(meta, meta.key);
      return;
    }
    throw new ThreadBusyError(meta.key);
  }

  async function deliverTo(channel: string, message: Message, route: SlackRoute) {
    const at = eventTime(message, route.thread, clock);
    const target = route.thread ? await resolve(channel, route.thread, at) : undefined;
    if (!target) {
      if (!route.cardOnly) await postTopLevel(channel, message);
      return;
    }
    if (target.record) await continueThread(channel, target.meta, target.record, message, route, at);
    else await openThread(channel, target.meta, message, route, at);
  }

  return {
    async deliver(message, route) {
      const channel = route.channel ?? deps.defaultChannel;
      try {
        await deliverTo(channel, message, route);
      } catch (error) {
        if (slackErrorAction(error) !== "channel" || channel === deps.defaultChannel) throw error;
        logger.warn("The service's Slack channel cannot take posts; using the default channel", {
          channel,
          defaultChannel: deps.defaultChannel,
          error: error instanceof Error ? error.message : String(error),
        });
        await deliverTo(deps.defaultChannel, message, route);
      }
    },

    async touch(message, route) {
      if (!route.thread?.patch) return;
      const channel = route.channel ?? deps.defaultChannel;
      const at = eventTime(message, route.thread, clock);
      const target = await resolve(channel, { ...route.thread, joinOnly: true }, at);
      if (!target?.record) return;
      const { meta, record } = target;
      const patch = meta.patch;
      if (!patch) return;
      const result = await saveWith(channel, record, (current) => {
        const patched = applyPatch(current.card, patch);
        return {
          ...current,
          card: patched.card,
          lastSeenAt: Math.max(current.lastSeenAt, at),
        };
      });
      if (!result) return;
      const now = clock();
      if (now - (lastTouchEdit.get(result.saved.key) ?? 0) < editIntervalMs) return;
      rememberTouch(result.saved.key, now);
      await editCard(channel, result.saved);
    },
  };
}

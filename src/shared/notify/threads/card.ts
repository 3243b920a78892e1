/**
 * PURE: the parent card of a thread — opened from a message, patched by later events, rendered back into a
 * message. A field changes only for a patch at least as recent as the one that set it (events arrive out of
 * order; a card never moves backwards); counters always add (the caller guarantees once per event).
 */
import type { Fact, Message } from "../message.js";
import type { CardPatch, CardState, CardStateLine } from "./types.js";

export function openCard(base: Message, patch?: CardPatch): CardState {
  const card: CardState = { base, facts: [], counters: {} };
  return patch ? applyPatch(card, patch).card : card;
}

function stateLine(card: CardState, patch: CardPatch): CardStateLine | undefined {
  const state = patch.state;
  if (!state) return undefined;
  const phase = card.state?.phase;
  const override = phase ? state.whenPhase?.[phase] : undefined;
  const { whenPhase: _ignored, ...line } = state;
  return override ?? line;
}

/** Applies `patch`; `changed` says whether anything a reader sees is different. */
export function applyPatch(card: CardState, patch: CardPatch): { card: CardState; changed: boolean } {
  const next: CardState = {
    ...card,
    facts: card.facts.map((f) => ({ ...f })),
    counters: { ...card.counters },
  };
  let changed = false;
  const line = stateLine(card, patch);
  if (line && (!card.state || patch.at >= card.state.at)) {
    const same =
      card.state?.text === line.text &&
      card.state.severity === line.severity &&
      card.state.phase === line.phase &&
      card.state.final === line.final;
    next.state = { ...line, at: patch.at };
    if (!same) changed = true;
  }
  if (patch.title !== undefined && (!card.title || patch.at >= card.title.at)) {
    if (card.title?.text !== patch.title) changed = true;
    next.title = { text: patch.title, at: patch.at };
  }
  for (const fact of patch.facts ?? []) {
    const existing = next.facts.find((f) => f.label === fact.label);
    if (!existing) {
      next.facts.push({ label: fact.label, value: fact.value, at: patch.at });
      changed = true;
    } else if (patch.at >= existing.at) {
      if (existing.value !== fact.value) changed = true;
      existing.value = fact.value;
      existing.at = patch.at;
    }
  }
  if (patch.actions && (!card.actions || patch.at >= card.actions.at)) {
    next.actions = { list: patch.actions, at: patch.at };
    changed = true;
  }
  for (const [label, amount] of Object.entries(patch.add ?? {})) {
    if (!Number.isFinite(amount) || amount === 0) continue;
    next.counters[label] = (next.counters[label] ?? 0) + amount;
    changed = true;
  }
  return { card: next, changed };
}

function upsert(facts: Fact[], label: string, value: string): Fact[] {
  const index = facts.findIndex((f) => f.label === label);
  if (index < 0) return [...facts, { label, value }];
  return facts.map((f, i) => (i === index ? { label, value } : f));
}

/** The message the card shows now: the opening message with the patches' title, state, facts and counters. */
export function cardMessage(card: CardState): Message {
  let facts: Fact[] = [...card.base.facts];
  if (card.state) facts = upsert(facts, "State", `${card.state.final ? "✔ " : ""}${card.state.text}`);
  for (const fact of card.facts) facts = upsert(facts, fact.label, fact.value);
  for (const [label, count] of Object.entries(card.counters)) facts = upsert(facts, label, String(count));
  const severity = card.state?.severity ?? card.base.severity;
  const updated = Math.max(card.state?.at ?? 0, card.title?.at ?? 0, ...card.facts.map((f) => f.at));
  return {
    ...card.base,
    title: card.title?.text ?? card.base.title,
    // The fallback text and footer name the card's state ("Failed"), not the event that opened it.
    category: card.state?.text ?? card.base.category,
    severity,
    facts,
    actions: card.actions ? card.actions.list : card.base.actions,
    // The footer dates the card by its latest change.
    time: updated > 0 ? new Date(updated).toISOString() : card.base.time,
  };
}

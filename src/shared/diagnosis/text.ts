/** Small text helpers shared by the rules and the evidence builder. Pure. */

const MAX_QUOTE = 600;

/** A reason as it is worth showing: trimmed, capped, never empty. */
export function clip(text: string, max = MAX_QUOTE): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  // Never cut between the two halves of a surrogate pair (emoji and other astral characters).
  const end = /[\ud800-\udbff]/.test(trimmed.charAt(max - 2)) ? max - 2 : max - 1;
  return `${trimmed.slice(0, end)}…`;
}

/** `"text"` with inner double quotes kept readable. */
export function quote(text: string): string {
  return `"${clip(text)}"`;
}

/** `name` in backticks, the way titles and summaries name things. */
export function code(name: string): string {
  return `\`${name}\``;
}

/** True when `name` appears in `text` as a whole word (container names such as `app` inside `application` do not count). */
export function mentionsName(text: string, name: string): boolean {
  if (name.length === 0) return false;
  let from = 0;
  for (;;) {
    const at = text.indexOf(name, from);
    if (at < 0) return false;
    const before = at === 0 ? "" : text.charAt(at - 1);
    const after = text.charAt(at + name.length);
    if (!/[\w-]/.test(before) && !/[\w-]/.test(after)) return true;
    from = at + 1;
  }
}

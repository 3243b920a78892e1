/**
 * Makes untrusted text (stop reasons, container names, tags) inert for each channel and cuts it to a limit.
 * Cutting happens on the rendered text, one grapheme at a time, so a cut never splits an escaped entity,
 * a surrogate pair or an emoji sequence, and the result, ellipsis included, never exceeds the limit.
 * Lengths are UTF-16 code units (`string.length`): never less than what Slack or SNS count. Pure.
 */

export const ELLIPSIS = "…";

/**
 * C0 controls except tab and newline, DEL, C1 controls (ESC starts terminal escape sequences), and the bidi
 * overrides and isolates, which can make a terminal or mail client show text in an order other than it reads.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029]/g;

/**
 * `@` starting a word: Slack may resolve `@channel`, `@here`, `@everyone` or `@user` (with `link_names`).
 * An `@` inside a word (`user@example.com`, `image@sha256:...`) is left alone so it can still be copied.
 */
const MENTION = /(^|[^\p{L}\p{N}_.+-])@(?=[\p{L}\p{N}_])/gu;
const WORD_JOINER = "\u2060";

const MRKDWN_ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
/** U+02CB MODIFIER LETTER GRAVE ACCENT: looks like a backtick, cannot close a code block. */
const BACKTICK_LOOKALIKE = "\u02cb";
const ANGLE_LOOKALIKES: Readonly<Record<string, string>> = { "<": "\u2039", ">": "\u203a" };

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Replaces lone surrogates (which JSON can carry) with U+FFFD: URI-encoding, as SNS does, rejects them. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd");
}

/** Removes control and bidi characters; keeps tabs and newlines, normalising every line break to `\n`. */
export function stripControl(text: string): string {
  return wellFormed(text).replace(LINE_BREAKS, "\n").replace(CONTROL, "");
}

/** One line: controls removed, every run of whitespace (line breaks included) collapsed to one space. */
export function singleLine(text: string): string {
  return stripControl(text).replace(/\s+/g, " ").trim();
}

/**
 * Broadcasts are neutralised wherever they stand, not only at a word start (`api.@channel`), and whatever
 * follows them (`@channel¹`): a harmless word joiner in `@channelfoo` is cheaper than a guess about Slack.
 */
const BROADCAST = /@(?=channel|here|everyone)/giu;

/** Puts a word joiner after a word-initial `@` and after any broadcast `@`, so Slack never notifies anyone. */
export function neutraliseMentions(text: string): string {
  return text.replace(MENTION, `$1@${WORD_JOINER}`).replace(BROADCAST, `@${WORD_JOINER}`);
}

/**
 * Renders `text` one grapheme at a time with `render` and cuts it to `max` code units, ellipsis included.
 * `render` must work per character and never shorten (escaping, look-alikes), so rendering the pieces equals
 * rendering the whole.
 */
function renderWithin(text: string, max: number, render: (piece: string) => string): string {
  // Rendering never shortens text, so a text already longer than `max` need not be rendered whole.
  if (text.length <= max) {
    const whole = render(text);
    if (whole.length <= max) return whole;
  }
  const budget = max - ELLIPSIS.length;
  if (budget < 0) return "";
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    const piece = render(segment);
    if (out.length + piece.length > budget) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

const identity = (piece: string): string => piece;
const escapeMrkdwn = (piece: string): string => piece.replace(/[&<>]/g, (c) => MRKDWN_ENTITIES[c] ?? c);
const escapeCode = (piece: string): string => escapeMrkdwn(piece).replaceAll("`", BACKTICK_LOOKALIKE);
const plainLookalikes = (piece: string): string => piece.replace(/[<>]/g, (c) => ANGLE_LOOKALIKES[c] ?? c);

/** Cuts already safe text to `max` code units without splitting a grapheme. */
export function cut(text: string, max: number): string {
  return renderWithin(text, max, identity);
}

/** Untrusted text for a Slack `mrkdwn` object: `&<>` escaped (no mentions, no disguised links), cut to `max`. */
export function mrkdwn(text: string, max: number): string {
  return renderWithin(neutraliseMentions(stripControl(text)), max, escapeMrkdwn);
}

/** Untrusted text for inside a mrkdwn code block: as `mrkdwn`, and backticks cannot close the block. */
export function mrkdwnCode(text: string, max: number): string {
  return renderWithin(neutraliseMentions(stripControl(text)), max, escapeCode);
}

/**
 * Untrusted text for a Slack `plain_text` object (header, button): one line, mentions neutralised, and angle
 * brackets swapped for look-alikes so no `<!channel>` or `<http://...|...>` token exists even as plain text.
 */
export function plainText(text: string, max: number): string {
  return renderWithin(neutraliseMentions(singleLine(text)), max, plainLookalikes);
}

/**
 * Microsoft Teams renders a CommonMark subset in Adaptive Card `TextBlock.text`, `Fact.title` and `Fact.value`
 * (bold, italic, lists, `[title](url)` links; learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
 * cards/cards-format, learn.microsoft.com/adaptive-cards/authoring-cards/text-features), plus `{{DATE()}}` /
 * `{{TIME()}}` functions. Backslash escapes are no way out: Teams on Android and iOS shows the backslash
 * (github.com/MicrosoftDocs/msteams-docs/issues/5793). So markup characters become look-alikes, and the
 * sequences that build links and functions are broken by an invisible zero-width space. Mentions need
 * `msteams.entities`, which ecs-sentinel never sends; `<at>` still gets look-alike brackets like any tag.
 */
const TEAMS_LOOKALIKES: Readonly<Record<string, string>> = {
  "<": "\u2039",
  ">": "\u203a",
  "*": "\u2217",
  _: "\u02cd",
  "~": "\u223c",
  "`": BACKTICK_LOOKALIKE,
};
const ZERO_WIDTH_SPACE = "\u200b";
/** `](` starts a link's target, `{{` a date function, `&` an entity: each is followed by a zero-width space. */
const teamsPiece = (piece: string): string =>
  piece.replace(/[<>*_~`]/g, (c) => TEAMS_LOOKALIKES[c] ?? c).replace(/[\]{&]/g, `$&${ZERO_WIDTH_SPACE}`);
/** Bare URLs Teams would turn into links on its own: `https://` and `www.` no longer read as their start. */
const AUTOLINK_START = /(:)(\/\/)|\b(www)(\.)/gi;
/** A line starting like a list item, heading or quote renders as one; a zero-width space in front prevents it. */
const BLOCK_START = /^(?=[\s\u00a0]*(?:[-+#>=|]|\d+[.)]))/;

function teamsInert(line: string): string {
  return line
    .replace(AUTOLINK_START, (_, a, b, c, d) => `${a ?? c}${ZERO_WIDTH_SPACE}${b ?? d}`)
    .replace(BLOCK_START, ZERO_WIDTH_SPACE);
}

/**
 * Untrusted text for a Teams TextBlock or Fact: one line, no markdown, link, function or tag takes effect,
 * cut to `max` code units.
 */
export function teamsText(text: string, max: number): string {
  return renderWithin(teamsInert(singleLine(text)), max, teamsPiece);
}

/**
 * One untrusted line for a monospace TextBlock (a log line, a reason): inert like `teamsText`, but leading
 * indentation is kept as no-break spaces, which markdown neither strips nor reads as a code block.
 */
export function teamsCode(line: string, max: number): string {
  const flat = stripControl(line).replace(/\n/g, " ").replace(/\t/g, "    ").trimEnd();
  const indented = flat.replace(/^ +/, (spaces) => "\u00a0".repeat(spaces.length));
  return renderWithin(teamsInert(indented), max, teamsPiece);
}

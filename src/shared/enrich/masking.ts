/**
 * Hides secret-looking values in text that leaves the account (log lines in a Slack alert, commands in a
 * task definition diff). Errs on the side of hiding: a masked harmless value costs a look at the console, a
 * leaked password costs a rotation. Pure.
 *
 * Every pattern either starts at a literal (eyJ, AKIA, bearer, -----BEGIN) or at the start of a word, and
 * every repetition that can be backtracked into is bounded, so a 256 KB log event is masked in linear time.
 */

export const MASK = "[masked]";

const SECRET_WORDS =
  "password|passwd|passphrase|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth[_-]?key|session[_-]?key|signing[_-]?key";

interface Rule {
  pattern: RegExp;
  replace: string | ((match: string, ...groups: string[]) => string);
}

/** `"hunter2"` -> `"[masked]"`, `'x` (cut) -> `'[masked]`, `hunter2` -> `[masked]`. */
function maskValue(value: string): string {
  const quote = value.startsWith('"') || value.startsWith("'") ? (value[0] as string) : "";
  if (value === MASK || value === `${quote}${MASK}${quote}` || value === `${quote}${quote}`) return value;
  const closed = quote !== "" && value.length > 1 && value.endsWith(quote);
  return `${quote}${MASK}${closed ? quote : ""}`;
}

const RULES: readonly Rule[] = [
  // Slack incoming webhooks: the path is the credential.
  {
    pattern: /https:\/\/hooks\.slack\.com\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+/g,
    replace: `https://hooks.slack.com/$1/${MASK}`,
  },
  // postgres://user:pass@host, amqp://..., redis://:pass@host: keep the user, it helps and is not secret.
  {
    pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s:/?#@]{0,256}):([^\s@/?#]{1,256})@/gi,
    replace: `$1$2:${MASK}@`,
  },
  // JSON Web Tokens (header and payload are base64url JSON, so both start with eyJ); the signature may be cut.
  { pattern: /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/g, replace: MASK },
  {
    pattern:
      /\b(authorization["']?\s{0,5}[:=]\s{0,5}["']?)(?:(basic|bearer|digest|token)\s{1,5})?([^\s"',;]+)/gi,
    replace: (_match, prefix = "", scheme) => `${prefix}${scheme ? `${scheme} ` : ""}${MASK}`,
  },
  { pattern: /\b(bearer)\s{1,5}[A-Za-z0-9._~+/=-]{8,}/gi, replace: `$1 ${MASK}` },
  // AWS access key ids (long-term AKIA, temporary ASIA).
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: MASK },
  // Vendor tokens with a recognisable shape: GitHub, Slack, Stripe, GitLab.
  {
    pattern:
      /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|(?:sk|rk)_live_[A-Za-z0-9]{16,}|glpat-[\w-]{20,})/g,
    replace: MASK,
  },
  // `--password hunter2` on a command line.
  {
    pattern: new RegExp(
      `(?<![\\w-])(--?(?=[\\w-]{0,40}?(?:${SECRET_WORDS}))[\\w-]{1,60})(\\s{1,5})(?!-)(\\S+)`,
      "gi",
    ),
    replace: `$1$2${MASK}`,
  },
  // key=value, key: value, "key": "value", DB_PASSWORD=..., x-api-key: ..., aws_secret_access_key = ...
  // The key is a whole word that contains a secret word; not inside ARNs or IAM actions
  // (secretsmanager:GetSecretValue), and ARN values are left alone: they name a secret, they are not one.
  {
    pattern: new RegExp(
      `(?<![A-Za-z0-9_.:/-])(?!secretsmanager\\b)(?=[A-Za-z0-9_.-]{0,60}?(?:${SECRET_WORDS}))` +
        `([A-Za-z0-9_.-]{1,100}["']?\\s{0,5}[:=]\\s{0,5})` +
        `(?!arn:)("[^"]*"?|'[^']*'?|(?![{\\[])[^\\s"',;&}\\]]+)`,
      "gi",
    ),
    replace: (_match, key = "", value = "") => `${key}${maskValue(value)}`,
  },
];

const KEY_BLOCK =
  /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]*?-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;
const KEY_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/;
const KEY_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/;
/** Must not itself match KEY_BEGIN, or a replaced block would look unterminated. */
const MASKED_KEY = "[masked private key]";

function maskInline(text: string): string {
  let masked = text;
  for (const rule of RULES) {
    masked = masked.replace(rule.pattern, rule.replace as (substring: string, ...args: string[]) => string);
  }
  return masked;
}

/** Masks secrets in one piece of text; a private key block (even an unterminated one) is hidden whole. */
export function maskSecrets(text: string): string {
  let masked = text.replace(KEY_BLOCK, MASKED_KEY);
  const begin = KEY_BEGIN.exec(masked);
  if (begin) masked = `${masked.slice(0, begin.index)}${MASKED_KEY}`;
  return maskInline(masked);
}

/**
 * Masks a sequence of log lines. A private key printed over several lines (each one a log event) is hidden
 * from its BEGIN line to its END line, and to the end when the END never comes.
 */
export function maskLines(lines: readonly string[]): string[] {
  let insideKey = false;
  return lines.map((line) => {
    if (insideKey) {
      const end = KEY_END.exec(line);
      if (!end) return MASK;
      insideKey = false;
      return maskSecrets(`${MASK} ${line.slice(end.index + end[0].length)}`.trimEnd());
    }
    const withoutBlocks = line.replace(KEY_BLOCK, MASKED_KEY);
    const begin = KEY_BEGIN.exec(withoutBlocks);
    if (begin) insideKey = true;
    return maskSecrets(withoutBlocks);
  });
}

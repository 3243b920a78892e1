/**
 * Does a plain environment variable look like it holds a secret? Decides from the name and the value, and
 * reports only WHY (a signal), never the value: callers must not echo the value anywhere.
 */

export type SecretSignal =
  | "secret-name"
  | "aws-access-key-id"
  | "private-key"
  | "jwt"
  | "vendor-token"
  | "high-entropy";

/** The name's last word(s) say it is a credential: DB_PASSWORD, githubToken, STRIPE_API_KEY, JWT_SECRET. */
const SECRET_LAST_WORD = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|APIKEY|CREDENTIALS?)$/;
const SECRET_LAST_TWO_WORDS =
  /^(API_KEY|PRIVATE_KEY|ACCESS_KEY|SECRET_KEY|SIGNING_KEY|ENCRYPTION_KEY|AUTH_KEY)$/;

/** Values that point at a secret rather than being one: ARNs, SSM names, paths, template references. */
const REFERENCE = /^(arn:|ssm:|secretsmanager:|\/|\$\{|\{\{resolve:|file:|s3:\/\/|https?:\/\/)/i;

const AWS_ACCESS_KEY_ID = /\b(AKIA|ASIA)[0-9A-Z]{16}\b/;
const PEM = /-----BEGIN /;
const JWT = /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*$/;
const VENDOR_TOKEN =
  /^(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{20,}|xox[abprs]-[\w-]{10,}|(sk|rk)_live_\w{16,}|AIza[\w-]{35}|glpat-[\w-]{20,})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN_CHARSET = /^[A-Za-z0-9+/=_-]+$/;

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}

export function hasSecretName(name: string): boolean {
  const w = words(name);
  const last = w.at(-1) ?? "";
  return SECRET_LAST_WORD.test(last) || SECRET_LAST_TWO_WORDS.test(w.slice(-2).join("_"));
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/*
 * Long random-looking tokens: 32+ characters of a token alphabet mixing upper case, lower case and digits,
 * with high entropy. Hex-only strings (git SHAs, image digests) and UUIDs are left alone: they are usually
 * identifiers, and flagging them would bury the real findings.
 */
function looksRandom(value: string): boolean {
  if (value.length < 32 || !TOKEN_CHARSET.test(value) || UUID.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(value)).length;
  return classes === 3 && shannonEntropy(value) >= 4.2;
}

export function secretSignal(name: string, value: string | null | undefined): SecretSignal | undefined {
  const text = value?.trim() ?? "";
  if (text === "") return undefined;
  if (AWS_ACCESS_KEY_ID.test(text)) return "aws-access-key-id";
  if (PEM.test(text)) return "private-key";
  if (JWT.test(text)) return "jwt";
  if (VENDOR_TOKEN.test(text)) return "vendor-token";
  if (REFERENCE.test(text)) return undefined;
  if (hasSecretName(name)) return "secret-name";
  if (looksRandom(text)) return "high-entropy";
  return undefined;
}

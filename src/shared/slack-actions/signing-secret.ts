/**
 * Where the Slack signing secret comes from, by the one secret convention (src/shared/secret-source.ts):
 * SLACK_SIGNING_SECRET (local use, tests) wins; otherwise SLACK_SIGNING_SECRET_FROM names an SSM SecureString
 * or a Secrets Manager secret whose string is the secret or JSON `{"signingSecret": ...}` /
 * `{"secret": ...}`. A signing secret is 32 lower-case hex characters (Slack app → Basic Information → App
 * Credentials → Signing Secret); anything else is refused without being echoed.
 */
import {
  type SecretSetting,
  type SecretSource,
  type SecretSourceDeps,
  SecretValueError,
  secretSource,
} from "../secret-source.js";

/** The signing secret is missing or is not one. The message never quotes the value. */
export class SigningSecretError extends SecretValueError {
  override readonly name = "SigningSecretError";
}

const SIGNING_SECRET = /^[0-9a-f]{32}$/;

/** Accepts 32 hex characters (upper case is normalised); says what is wrong, never what the value is. */
export function validateSigningSecret(candidate: string, variable = "SLACK_SIGNING_SECRET"): string {
  const value = candidate.trim().toLowerCase();
  if (SIGNING_SECRET.test(value)) return value;
  const where = "Slack app → Basic Information → App Credentials → Signing Secret";
  if (value.startsWith("xox") || value.startsWith("xapp-")) {
    throw new SigningSecretError(`${variable} is a Slack token, not the signing secret: ${where}`);
  }
  if (/^[0-9a-f]+$/.test(value)) {
    throw new SigningSecretError(
      `${variable} has ${value.length} hex characters; a Slack signing secret has 32: ${where}`,
    );
  }
  throw new SigningSecretError(
    `${variable} is not a Slack signing secret (32 hex characters; a space, a quote or a line break?): ${where}`,
  );
}

export const SIGNING_SECRET_SETTING: SecretSetting = {
  variable: "SLACK_SIGNING_SECRET",
  label: "the Slack signing secret",
  validate: (value) => validateSigningSecret(value),
  jsonKeys: ["signingSecret", "secret"],
  errorClass: SigningSecretError,
};

/**
 * The signing secret source, or undefined when neither variable is set. A malformed SLACK_SIGNING_SECRET
 * throws SigningSecretError at once; a malformed stored secret rejects the read (logged, names only).
 */
export function signingSecretSource(
  given: { SLACK_SIGNING_SECRET?: string; SLACK_SIGNING_SECRET_FROM?: string },
  deps: SecretSourceDeps,
): SecretSource | undefined {
  return secretSource(
    SIGNING_SECRET_SETTING,
    { value: given.SLACK_SIGNING_SECRET, from: given.SLACK_SIGNING_SECRET_FROM },
    deps,
  );
}

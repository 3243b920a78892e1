"use strict";
/**
 * The hub-mode stack parameters (one deployment for many AWS accounts: docs/deploy.md "Hub mode"): hubMode,
 * organizationId, memberAccounts, memberRoleName, memberExternalId and accountNames. `hubParams` reports every
 * problem through `report(parameter, value, why)` like the other parameters (infra/stack-params.cjs), so one
 * message lists them all; a hub parameter that would be ignored (set while hubMode is false) is a problem too,
 * never silently dropped.
 *
 * Vendor rules encoded here:
 * - Organization ids: `o-` and 10-32 lowercase letters or digits:
 *   https://docs.aws.amazon.com/organizations/latest/APIReference/API_Organization.html
 * - Account ids: 12 digits: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
 * - IAM role names: 1-64 of [\w+=,.@-]: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * - sts:AssumeRole ExternalId: [\w+=,.@:\/-]* of at most 1224 characters (AWS allows 2; ecs-sentinel asks 16,
 *   so it cannot be guessed): https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 *
 * CommonJS because osls loads `${file(...)}` JavaScript with require().
 */

const DEFAULT_MEMBER_ROLE_NAME = "ecs-sentinel-member";
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID_CHARACTERS = /^[\w+=,.@:/-]*$/;
const EXTERNAL_ID_MIN = 16;
const EXTERNAL_ID_MAX = 1224;
/** What the handlers read in ALLOWED_ACCOUNTS when the organization's bus policy decides who may send. */
const WHOLE_ORGANIZATION = "organization";

const TRUE_WORDS = ["1", "true", "yes", "on"];
const BOOLEAN_WORDS = [...TRUE_WORDS, "0", "false", "no", "off"];

const text = (value) => String(value ?? "").trim();

function hubMode(value, report) {
  const given = text(value).toLowerCase();
  if (given === "") return false;
  if (!BOOLEAN_WORDS.includes(given)) {
    report("hubMode", given, `must be one of ${BOOLEAN_WORDS.join(", ")}`);
    return false;
  }
  return TRUE_WORDS.includes(given);
}

function organizationId(value, report) {
  const id = text(value);
  if (id === "") return "";
  if (ORGANIZATION_ID.test(id)) return id;
  const hint = /^r-|^ou-/.test(id)
    ? "it is a root or organizational unit id; give the organization's id (Organizations console → Settings)"
    : "o- and 10-32 lowercase letters or digits, e.g. o-a1b2c3d4e5";
  report("organizationId", id, `is not an organization id: ${hint}`);
  return "";
}

/** Distinct 12-digit account ids; a comma- or space-separated list. */
function memberAccounts(value, report) {
  const ids = [
    ...new Set(
      text(value)
        .split(/[\s,]+/)
        .filter((id) => id !== ""),
    ),
  ];
  for (const id of ids) {
    if (!ACCOUNT_ID.test(id)) report("memberAccounts", id, "is not an AWS account id (12 digits)");
  }
  return ids.filter((id) => ACCOUNT_ID.test(id));
}

function memberRoleName(value, report) {
  const name = text(value);
  if (name === "") return DEFAULT_MEMBER_ROLE_NAME;
  if (ROLE_NAME.test(name)) return name;
  const why = /[*?]/.test(name)
    ? "has a wildcard, which would let the hub assume every matching role: name the one role infra/member.yml creates"
    : "is not an IAM role name (1-64 letters, digits and +=,.@_-; no path, not an ARN)";
  report("memberRoleName", name, why);
  return DEFAULT_MEMBER_ROLE_NAME;
}

/** The external id is never echoed in a message: it is the member role's shared secret, in a small way. */
function memberExternalId(value, report) {
  const id = text(value);
  if (id === "") return "";
  if (!EXTERNAL_ID_CHARACTERS.test(id)) {
    report(
      "memberExternalId",
      "",
      "has a character STS does not accept (letters, digits and _+=,.@:/- only)",
    );
    return "";
  }
  if (id.length < EXTERNAL_ID_MIN || id.length > EXTERNAL_ID_MAX) {
    report(
      "memberExternalId",
      "",
      `is ${id.length} characters; it must be ${EXTERNAL_ID_MIN}-${EXTERNAL_ID_MAX} (e.g. the output of openssl rand -hex 16)`,
    );
    return "";
  }
  return id;
}

/** `111111111111=prod,222222222222=staging`: 12-digit ids, non-empty names (spaces allowed), each id once. */
function accountNames(value, report) {
  const given = text(value);
  const names = [];
  for (const entry of given.split(",").map((part) => part.trim())) {
    if (entry === "") continue;
    const equals = entry.indexOf("=");
    const id = equals === -1 ? entry : entry.slice(0, equals).trim();
    const name = equals === -1 ? "" : entry.slice(equals + 1).trim();
    if (!ACCOUNT_ID.test(id)) {
      report("accountNames", entry, "is not ACCOUNT_ID=NAME with a 12-digit account id");
    } else if (name === "") {
      report("accountNames", entry, "has no name after the account id (ACCOUNT_ID=NAME)");
    } else if (names.some((known) => known.id === id && known.name !== name)) {
      report("accountNames", entry, `names account ${id} a second time, differently`);
    } else if (!names.some((known) => known.id === id)) {
      names.push({ id, name });
    }
  }
  return { accountNames: names, accountNamesText: given };
}

const ROUTING_KEYS = ["channels", "min-severity", "slack-channel", "mute"];

/**
 * accountRouting: JSON, per 12-digit account the service tags' keys without their prefix
 * (`{"222222222222": {"channels": "slack", "min-severity": "warning"}}`); the functions check the values again
 * (src/app/config-accounts.ts) — here the shape, so a typo fails packaging rather than every function's start.
 */
function accountRouting(value, report) {
  const given = text(value);
  if (given === "") return "";
  let parsed;
  try {
    parsed = JSON.parse(given);
  } catch {
    report(
      "accountRouting",
      given.slice(0, 80),
      'is not JSON: {"111111111111": {"channels": "slack,pagerduty"}}',
    );
    return "";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    report("accountRouting", given.slice(0, 80), "must be a JSON object keyed by 12-digit account ids");
    return "";
  }
  for (const [account, settings] of Object.entries(parsed)) {
    if (!ACCOUNT_ID.test(account)) report("accountRouting", account, "is not a 12-digit account id");
    else if (typeof settings !== "object" || settings === null || Array.isArray(settings))
      report("accountRouting", account, `must map to an object of ${ROUTING_KEYS.join(", ")}`);
    else
      for (const [key, setting] of Object.entries(settings)) {
        if (!ROUTING_KEYS.includes(key))
          report("accountRouting", `${account}.${key}`, `is not one of ${ROUTING_KEYS.join(", ")}`);
        else if (typeof setting !== "string")
          report("accountRouting", `${account}.${key}`, "must be a string");
      }
  }
  return given;
}

/**
 * The hub parameters, checked together: hub mode needs an organization or an account list (else the bus would
 * admit nobody and the functions could assume nothing) and an external id; without hub mode, the parameters
 * only hub mode reads are refused, because they would be ignored. accountNames works in both modes.
 */
function hubParams(raw, report) {
  const params = {
    hubMode: hubMode(raw.hubMode, report),
    organizationId: organizationId(raw.organizationId, report),
    memberAccounts: memberAccounts(raw.memberAccounts, report),
    memberRoleName: memberRoleName(raw.memberRoleName, report),
    memberExternalId: memberExternalId(raw.memberExternalId, report),
    ...accountNames(raw.accountNames, report),
    accountRouting: accountRouting(raw.accountRouting, report),
  };
  if (params.hubMode) {
    if (text(raw.organizationId) === "" && text(raw.memberAccounts) === "") {
      report(
        "hubMode",
        "true",
        "needs organizationId (every account of the organization may send events) or memberAccounts (exactly these accounts), or both",
      );
    }
    if (text(raw.memberExternalId) === "") {
      report(
        "memberExternalId",
        "",
        "is required with hubMode=true: the external id the member role's trust policy demands (16-1224 characters; give the same value to infra/member.yml)",
      );
    }
    return params;
  }
  for (const parameter of ["organizationId", "memberAccounts", "memberExternalId"]) {
    if (text(raw[parameter]) !== "") {
      report(parameter, "", "has no effect without hubMode=true: set hubMode=true, or leave it empty");
    }
  }
  if (text(raw.memberRoleName) !== "" && params.memberRoleName !== DEFAULT_MEMBER_ROLE_NAME) {
    report("memberRoleName", params.memberRoleName, "has no effect without hubMode=true");
  }
  return params;
}

/** ALLOWED_ACCOUNTS for the handlers: "" (the hub's own account only), "organization", or the listed ids. */
function allowedAccounts(params) {
  if (!params.hubMode) return "";
  if (params.organizationId !== "") return WHOLE_ORGANIZATION;
  return params.memberAccounts.join(",");
}

module.exports = {
  DEFAULT_MEMBER_ROLE_NAME,
  ORGANIZATION_ID,
  WHOLE_ORGANIZATION,
  hubParams,
  allowedAccounts,
};

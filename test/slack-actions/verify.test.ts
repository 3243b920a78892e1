import { describe, expect, it } from "vitest";
import { verifySlackSignature } from "../../src/shared/slack-actions/verify.js";
import { signSlackRequest } from "../support/slack-signing.js";

// Slack's documented example (api.slack.com/authentication/verifying-requests-from-slack).
const DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const DOC_BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOC_TIMESTAMP = 1531420618;
const DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

const SECRET = "0123456789abcdef0123456789abcdef";
const NOW = 1_767_326_131;
const BODY = "payload=%7B%22type%22%3A%22block_actions%22%7D";

const check = (headers: Record<string, string | string[]>, rawBody: string | Uint8Array = BODY, now = NOW) =>
  verifySlackSignature({ headers, rawBody, secret: SECRET, nowSeconds: now });

describe("verifySlackSignature", () => {
  it("accepts Slack's documented example request", () => {
    const result = verifySlackSignature({
      headers: { "X-Slack-Request-Timestamp": String(DOC_TIMESTAMP), "X-Slack-Signature": DOC_SIGNATURE },
      rawBody: DOC_BODY,
      secret: DOC_SECRET,
      nowSeconds: DOC_TIMESTAMP + 10,
    });

    expect(result).toEqual({ ok: true });
  });

  it("accepts a correctly signed request, with header names in any case", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const shouted = {
      "X-SLACK-REQUEST-TIMESTAMP": signed["x-slack-request-timestamp"],
      "X-Slack-Signature": signed["x-slack-signature"],
    };

    expect(check(signed)).toEqual({ ok: true });
    expect(check(shouted)).toEqual({ ok: true });
  });

  it("accepts the body as bytes, the same as the string", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);

    expect(check(signed, Buffer.from(BODY, "utf8"))).toEqual({ ok: true });
  });

  it("refuses a forged signature of the right shape", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const forged = { ...signed, "x-slack-signature": `v0=${"ab".repeat(32)}` };

    expect(check(forged)).toEqual({ ok: false, reason: "signature-mismatch" });
  });

  it("refuses a signature made with another secret", () => {
    const signed = signSlackRequest(BODY, "ffffffffffffffffffffffffffffffff", NOW);

    expect(check(signed)).toEqual({ ok: false, reason: "signature-mismatch" });
  });

  it("refuses a body other than the signed one (tampered after signing)", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);

    expect(check(signed, BODY.replace("block_actions", "block_actionz"))).toEqual({
      ok: false,
      reason: "signature-mismatch",
    });
  });

  it("hashes the raw body as received: a re-encoded equivalent form body does not verify", () => {
    const raw = "payload=%7B%22text%22%3A%22a+b%22%7D";
    const signed = signSlackRequest(raw, SECRET, NOW);
    const reencoded = new URLSearchParams(new URLSearchParams(raw)).toString().replace(/\+/g, "%20");

    expect(check(signed, raw)).toEqual({ ok: true });
    expect(check(signed, reencoded)).toEqual({ ok: false, reason: "signature-mismatch" });
  });

  it("accepts a timestamp exactly 5 minutes old and refuses one 5 minutes and 1 second old (replay)", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW - 300);

    expect(check(signed, BODY, NOW)).toEqual({ ok: true });
    expect(check(signed, BODY, NOW + 1)).toEqual({ ok: false, reason: "stale-timestamp" });
  });

  it("refuses a timestamp more than 5 minutes in the future", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW + 301);

    expect(check(signed)).toEqual({ ok: false, reason: "future-timestamp" });
  });

  it("refuses a request without the timestamp or without the signature", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);

    expect(check({ "x-slack-signature": signed["x-slack-signature"] })).toEqual({
      ok: false,
      reason: "missing-timestamp",
    });
    expect(check({ "x-slack-request-timestamp": signed["x-slack-request-timestamp"] })).toEqual({
      ok: false,
      reason: "missing-signature",
    });
    expect(check({})).toEqual({ ok: false, reason: "missing-timestamp" });
  });

  it("refuses a timestamp that is not a whole number of seconds", () => {
    for (const timestamp of [`${NOW}.5`, "1e9", "-1", " 1767326131", "now"]) {
      const signed = { ...signSlackRequest(BODY, SECRET, NOW), "x-slack-request-timestamp": timestamp };

      expect(check(signed)).toEqual({ ok: false, reason: "malformed-timestamp" });
    }
  });

  it("refuses another signature version (v1=) even with the right digest", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const v1 = { ...signed, "x-slack-signature": signed["x-slack-signature"].replace(/^v0=/, "v1=") };

    expect(check(v1)).toEqual({ ok: false, reason: "unsupported-signature-version" });
  });

  it("refuses signatures of another length without throwing", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    for (const signature of [
      "v0=",
      "v0=abc",
      `${signed["x-slack-signature"]}00`,
      `${signed["x-slack-signature"]}é`,
    ]) {
      expect(() => check({ ...signed, "x-slack-signature": signature })).not.toThrow();
      expect(check({ ...signed, "x-slack-signature": signature })).toEqual({
        ok: false,
        reason: "malformed-signature",
      });
    }
  });

  it("refuses a request carrying two signature headers, naming the duplicate", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);

    expect(check({ ...signed, "x-slack-signature": [signed["x-slack-signature"], "v0=00"] })).toEqual({
      ok: false,
      reason: "duplicate-header",
    });
  });

  it("refuses a second timestamp or signature smuggled under a name differing only in case", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const replayedStamp = signSlackRequest(BODY, SECRET, NOW - 3600)["x-slack-request-timestamp"];

    const twoStamps = check({ ...signed, "X-Slack-Request-Timestamp": replayedStamp });
    const twoSignatures = check({ ...signed, "X-SLACK-SIGNATURE": `v0=${"ab".repeat(32)}` });

    expect([twoStamps, twoSignatures]).toEqual([
      { ok: false, reason: "duplicate-header" },
      { ok: false, reason: "duplicate-header" },
    ]);
  });

  it("refuses a repeated header as a Function URL passes it (values joined by a comma)", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const joinedSignatures = `${signed["x-slack-signature"]},${signed["x-slack-signature"]}`;
    const joinedStamps = `${NOW},${NOW}`;

    expect(check({ ...signed, "x-slack-signature": joinedSignatures })).toEqual({
      ok: false,
      reason: "malformed-signature",
    });
    expect(check({ ...signed, "x-slack-request-timestamp": joinedStamps })).toEqual({
      ok: false,
      reason: "malformed-timestamp",
    });
  });

  it("refuses the right digest in upper-case hex: Slack signs in lower case and nothing else matches", () => {
    const signed = signSlackRequest(BODY, SECRET, NOW);
    const shouted = `v0=${signed["x-slack-signature"].slice(3).toUpperCase()}`;

    expect(check({ ...signed, "x-slack-signature": shouted })).toEqual({
      ok: false,
      reason: "malformed-signature",
    });
  });

  it("refuses everything when the secret is empty", () => {
    const signed = signSlackRequest(BODY, "", NOW);

    expect(verifySlackSignature({ headers: signed, rawBody: BODY, secret: "", nowSeconds: NOW })).toEqual({
      ok: false,
      reason: "no-signing-secret",
    });
  });
});

import { describe, expect, it } from "vitest";
import { MASK, maskLines, maskSecrets } from "../../src/shared/enrich/masking.js";

describe("maskSecrets", () => {
  it.each([
    ["an AWS access key id", "using key AKIAIOSFODNN7EXAMPLE for s3", "AKIAIOSFODNN7EXAMPLE"],
    ["a temporary AWS access key id", "creds ASIAY34FZKBOKMUTVV7A loaded", "ASIAY34FZKBOKMUTVV7A"],
    [
      "a secret key after aws_secret_access_key",
      "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ],
    [
      "an AWS_SECRET_ACCESS_KEY environment assignment",
      "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "wJalrXUtnFEMI",
    ],
    ["password=value", "connecting with password=hunter2 to db", "hunter2"],
    ["a prefixed password variable", "DB_PASSWORD=s3cr3t!pass", "s3cr3t!pass"],
    ["token: value", "token: abcdef123456", "abcdef123456"],
    ["a quoted JSON secret", '{"user":"bob","password":"hunter2"}', "hunter2"],
    ["an x-api-key header", "x-api-key: 9f8e7d6c5b4a", "9f8e7d6c5b4a"],
    ["api_key in a query string", "GET /v1/search?q=x&api_key=abc123def456&page=2", "abc123def456"],
    ["a generic secret", "client_secret=Zm9vYmFyYmF6cXV4", "Zm9vYmFyYmF6cXV4"],
    ["pwd=", "login pwd=letmein", "letmein"],
    ["passwd:", "passwd: letmein", "letmein"],
    ["a Bearer token", "sending Bearer abcDEF123456ghiJKL789.xyz to upstream", "abcDEF123456ghiJKL789.xyz"],
    ["an Authorization Basic header", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="],
    [
      "a JWT",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U rejected",
      "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
    ],
    [
      "a postgres URL with credentials",
      "DATABASE_URL postgres://app:pa55word@db.internal:5432/app",
      "pa55word",
    ],
    ["a redis URL with only a password", "redis://:topsecret@cache:6379/0", "topsecret"],
    [
      "a Slack webhook URL",
      "posting to https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
      "T00000000/B00000000",
    ],
    [
      "a GitHub token",
      "cloning with ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
      "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    ],
    ["a --password flag", "exec app --password hunter2 --verbose", "hunter2"],
  ])("masks %s", (_name, line, secret) => {
    const masked = maskSecrets(line);

    expect(masked).not.toContain(secret);
    expect(masked).toContain(MASK);
  });

  it("keeps the user of a connection string and the host", () => {
    const masked = maskSecrets("postgres://app:pa55word@db.internal:5432/app");

    expect(masked).toBe(`postgres://app:${MASK}@db.internal:5432/app`);
  });

  it("keeps the quotes around a masked JSON value so the line still reads as JSON", () => {
    const masked = maskSecrets('{"password":"hunter2","user":"bob"}');

    expect(masked).toBe(`{"password":"${MASK}","user":"bob"}`);
  });

  it("masks a whole private key block printed in one message", () => {
    const text = [
      "loading key",
      "-----BEGIN RSA PRIVATE KEY-----",
      "MIIEpAIBAAKCAQEA1234567890abcdefghijklmnop",
      "-----END RSA PRIVATE KEY-----",
      "done",
    ].join("\n");

    const masked = maskSecrets(text);

    expect(masked).not.toContain("MIIEpAIBAAKCAQEA");
    expect(masked).toContain("loading key");
    expect(masked).toContain("done");
  });

  it("masks an unterminated private key to the end of the text", () => {
    const masked = maskSecrets("key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC");

    expect(masked).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
  });

  it.each([
    "2024-05-01T10:00:00.000Z INFO GET /api/users 200 12ms",
    "Connecting to postgres://db.internal:5432/app",
    "Listening on http://0.0.0.0:8080",
    "java.lang.OutOfMemoryError: Java heap space",
    "    at com.example.OrderService.load(OrderService.java:42)",
    '{"level":"error","msg":"upstream timeout","status":504,"path":"/orders"}',
    "User 42 changed their password",
    "pulled image 123456789012.dkr.ecr.us-east-1.amazonaws.com/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "处理完成 ✅ résumé naïve 🚀",
    "Traceback (most recent call last):",
    "AccessDeniedException: not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    "secret: arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
    "Basic setup complete in 1234ms",
  ])("leaves a normal line intact: %s", (line) => {
    expect(maskSecrets(line)).toBe(line);
  });
});

describe("maskLines", () => {
  it("masks a private key spread over several log events, and the lines after it stay", () => {
    const lines = [
      "starting",
      "-----BEGIN OPENSSH PRIVATE KEY-----",
      "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ",
      "AAAAMwAAAAtzc2gtZWQyNTUxOQAAACDx",
      "-----END OPENSSH PRIVATE KEY-----",
      "ready",
    ];

    const masked = maskLines(lines);

    expect(masked.join("\n")).not.toMatch(/b3BlbnNzaC1rZXkt|AAAAMwAAAAtz/);
    expect(masked[0]).toBe("starting");
    expect(masked.at(-1)).toBe("ready");
    expect(masked).toHaveLength(lines.length);
  });

  it("masks every line after a BEGIN whose END never comes", () => {
    const masked = maskLines(["-----BEGIN PRIVATE KEY-----", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "more"]);

    expect(masked.slice(1)).toEqual([MASK, MASK]);
  });
});

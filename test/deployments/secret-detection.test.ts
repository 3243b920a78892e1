import { describe, expect, it } from "vitest";
import {
  hasSecretName,
  secretSignal,
  shannonEntropy,
} from "../../src/shared/deployments/secret-detection.js";

describe("secretSignal", () => {
  it.each([
    ["DB_PASSWORD", "hunter2", "secret-name"],
    ["dbPassword", "hunter2", "secret-name"],
    ["GITHUB_TOKEN", "abc", "secret-name"],
    ["JWT_SECRET", "s3cr3t", "secret-name"],
    ["STRIPE_API_KEY", "key-value", "secret-name"],
    ["SSH_PRIVATE_KEY", "key-value", "secret-name"],
    ["AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "secret-name"],
    ["AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"],
    ["CONFIG", "user=AKIAIOSFODNN7EXAMPLE", "aws-access-key-id"],
    ["TLS_CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...", "private-key"],
    [
      "SESSION",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "jwt",
    ],
    ["CI", "ghp_1234567890abcdefghijABCDEFGHIJ123456", "vendor-token"],
    ["BLOB", "q8ZrT2xW9vLmN4pK7sYd3Hf6Gj1Bc5Ae0Ru", "high-entropy"],
  ] as const)("flags %s as %s", (name, value, signal) => {
    expect(secretSignal(name, value)).toBe(signal);
  });

  it.each([
    ["DB_PASSWORD", ""],
    ["DB_PASSWORD", undefined],
    ["DB_PASSWORD_FILE", "/run/secrets/db"],
    ["DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"],
    ["API_TOKEN_URL", "https://auth.example.com/token"],
    ["TOKEN_TTL", "3600"],
    ["SECRET_ARN", "arn:aws:secretsmanager:us-east-1:111122223333:secret:x"],
    ["PASSWORD_MIN_LENGTH", "12"],
    ["GIT_SHA", "3f786850e387550fdab836ed7e6dc881de23001b"],
    ["IMAGE_DIGEST", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
    ["REQUEST_ID", "123e4567-e89b-12d3-a456-426614174000"],
    ["JAVA_OPTS", "-Xmx512m -XX:+UseG1GC -Dspring.profiles.active=production"],
    ["LOG_LEVEL", "info"],
  ])("leaves %s alone", (name, value) => {
    expect(secretSignal(name, value)).toBeUndefined();
  });
});

describe("hasSecretName", () => {
  it.each([
    ["PASSWORD", true],
    ["my-app.client-secret", true],
    ["ENCRYPTION_KEY", true],
    ["KEY", false],
    ["PUBLIC_KEY_PATH", false],
  ])("%s -> %s", (name, expected) => {
    expect(hasSecretName(name)).toBe(expected);
  });
});

describe("shannonEntropy", () => {
  it("is 0 for a repeated character and 2 bits for four equally frequent ones", () => {
    expect(shannonEntropy("aaaa")).toBe(0);
    expect(shannonEntropy("abcd")).toBe(2);
  });
});

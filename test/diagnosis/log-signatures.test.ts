/** Log signatures: each one against a real excerpt, what is extracted, precedence, and what is never refined. */
import { describe, expect, it } from "vitest";
import { LOG_SIGNATURES, refineWithLogs } from "../../src/shared/diagnosis/log-signatures/index.js";
import { baseDiagnosis, loadExcerpts } from "./log-signature-fixtures.js";

const EXCERPTS = loadExcerpts();

describe("each log signature on its real excerpt", () => {
  it.each(EXCERPTS.map((e) => [e.signature, e] as const))("%s", (_id, excerpt) => {
    const before = baseDiagnosis(excerpt.category, excerpt.exitCode);

    const refined = refineWithLogs(before, excerpt.lines);

    expect(refined.logSignature).toBe(excerpt.signature);
    expect(refined.subCause).toBe(excerpt.expect);
    expect(refined.category).toBe(excerpt.category);
    expect(refined.confidence).toBe("likely");
    expect(refined.evidenceSource).toBe("logs");
    expect(refined.evidence[0]).toMatch(/^Log line: /);
    expect(refined.evidence).toEqual(expect.arrayContaining(before.evidence));
    expect(refined.remediation[0]).not.toBe(before.remediation[0]);
    expect(refined.title).not.toMatch(/\{\w+\}/);
    expect(refined.summary).not.toMatch(/\{\w+\}/);
    expect(refined.remediation.join("\n")).not.toMatch(/\{\w+\}/);
  });

  it("has an excerpt, a cited source and a kebab-case sub-cause for every signature", () => {
    const covered = new Set(EXCERPTS.map((e) => e.signature));

    const missing = LOG_SIGNATURES.filter((s) => !covered.has(s.id)).map((s) => s.id);

    expect(missing).toEqual([]);
    for (const signature of LOG_SIGNATURES) {
      expect(signature.source).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/(issues|pull)\/\d+$/);
      expect(signature.subCause).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(signature.confidence).toBe("likely");
    }
    for (const excerpt of EXCERPTS) expect(excerpt.source).toMatch(/^https:\/\/github\.com\//);
  });

  it("has unique ids", () => {
    const ids = LOG_SIGNATURES.map((s) => s.id);

    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("what a signature extracts", () => {
  it("names the host and port a connection was refused by", () => {
    const lines = ["Error: connect ECONNREFUSED 10.0.12.7:5432", "    at TCPConnectWrap.afterConnect"];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.title).toBe(
      "Container `web` in service `api` exited: connection refused by 10.0.12.7:5432",
    );
    expect(refined.remediation[0]).toContain("10.0.12.7:5432");
  });

  it("names the host and port of a psycopg connection failure", () => {
    const lines = [
      'connection to server at "orders-db.internal" (10.1.209.231), port 5432 failed: Connection refused',
      "\tIs the server running on that host and accepting TCP/IP connections?",
    ];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.title).toContain("orders-db.internal:5432");
  });

  it("names the host Go could not resolve", () => {
    const lines = ["dial tcp: lookup payments.prod.local on 10.0.0.2:53: no such host"];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.subCause).toBe("dns-resolution-failed");
    expect(refined.title).toContain("payments.prod.local");
  });

  it("names the missing environment variable", () => {
    const lines = [
      "Traceback (most recent call last):",
      '  File "/app/app.py", line 3',
      "KeyError: 'STRIPE_KEY'",
    ];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.title).toContain("`STRIPE_KEY`");
    expect(refined.remediation[0]).toContain("`STRIPE_KEY`");
  });

  it("gives the exception type and message of a Java crash", () => {
    const lines = [
      'Exception in thread "main" java.lang.IllegalStateException: Missing bean OrderRepository',
      "\tat com.example.Main.main(Main.java:10)",
    ];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.title).toBe(
      "Container `web` in service `api` crashed: java.lang.IllegalStateException: Missing bean OrderRepository",
    );
  });

  it("gives the exception type and message of a Ruby crash", () => {
    const lines = ["/app/boot.rb:3:in `<main>': undefined method `fetch' for nil:NilClass (NoMethodError)"];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.title).toContain("NoMethodError: undefined method `fetch' for nil:NilClass");
  });

  it("tells a Java heap exhausted inside the container from a JVM over the container's limit", () => {
    const lines = ["java.lang.OutOfMemoryError: Java heap space"];

    const heap = refineWithLogs(baseDiagnosis("app-exit", 1), lines);
    const container = refineWithLogs(baseDiagnosis("out-of-memory", 137), lines);

    expect(heap.subCause).toBe("java-heap-out-of-memory");
    expect(container.subCause).toBe("jvm-exceeds-container-limit");
    expect(heap.remediation[0]).not.toBe(container.remediation[0]);
    expect(container.category).toBe("out-of-memory");
  });

  it("reports SIGTERM only with exit code 143", () => {
    const lines = ['level=info msg="received signal" signal=terminated'];

    const with143 = refineWithLogs(baseDiagnosis("app-exit", 143), lines);
    const with1 = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(with143.subCause).toBe("sigterm-not-handled");
    expect(with1.logSignature).toBeUndefined();
  });

  it("masks secrets in the quoted lines", () => {
    const lines = ["Error: connect ECONNREFUSED 10.0.0.5:5432 postgres://app:hunter2@10.0.0.5:5432/orders"];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.evidence[0]).toContain("[masked]");
    expect(refined.evidence.join("\n")).not.toContain("hunter2");
  });
});

describe("which match wins", () => {
  it("prefers a named cause to the generic exception on the same line", () => {
    const lines = ["Traceback (most recent call last):", "KeyError: 'DATABASE_URL'"];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.subCause).toBe("missing-environment-variable");
  });

  it("prefers a named cause further up to an uncaught exception at the end", () => {
    const lines = [
      "Error: connect ECONNREFUSED 10.0.0.9:6379",
      "    at TCPConnectWrap.afterConnect (node:net:1494:16)",
      "Error: Redis connection failed after 3 attempts",
      "    at Client.connect (/app/dist/redis.js:12:9)",
    ];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.subCause).toBe("dependency-connection-refused");
  });

  it("prefers the latest of two equally specific causes (the crash is at the end)", () => {
    const lines = [
      "WARN getaddrinfo EAI_AGAIN metrics.internal (retrying)",
      "Error: connect ECONNREFUSED 10.0.0.5:5432",
    ];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.subCause).toBe("dependency-connection-refused");
  });

  it("needs a Python traceback before reading a bare `KeyError` line as Python", () => {
    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), ["KeyError: 'DATABASE_URL'"]);

    expect(refined.logSignature).toBeUndefined();
  });
});

describe("what is never refined", () => {
  it("keeps a secrets failure a secrets failure whatever the logs say", () => {
    const before = {
      ...baseDiagnosis("secrets"),
      subCause: "secret-not-found",
      confidence: "certain" as const,
    };

    const after = refineWithLogs(before, ["Error: connect ECONNREFUSED 10.0.0.5:5432", "Connection refused"]);

    expect(after).toBe(before);
  });

  it.each(["image-pull", "iam", "placement", "network", "storage", "unknown", "completed"] as const)(
    "keeps %s as the ECS event says",
    (category) => {
      const before = baseDiagnosis(category, 1);

      expect(refineWithLogs(before, ["exec format error", "JavaScript heap out of memory"])).toBe(before);
    },
  );

  it("returns the diagnosis unchanged when no line is recognised or there are no lines", () => {
    const before = baseDiagnosis("app-exit", 1);

    expect(refineWithLogs(before, ["server started", "GET /health 200"])).toBe(before);
    expect(refineWithLogs(before, [])).toBe(before);
  });
});

describe("hostile and huge input", () => {
  const HUGE = 100_000;

  it.each([
    ["a 100 KB line of one letter", "a".repeat(HUGE)],
    ["a 100 KB near-miss of the connection pattern", `ECONNREFUSED ${"1.".repeat(HUGE / 2)}`],
    ["a 100 KB near-miss of the config-file pattern", `${"a/".repeat(HUGE / 2)}x.yaml`],
    ["a 100 KB near-miss of the exception pattern", `${"a.".repeat(HUGE / 2)}Error`],
    ["a 100 KB near-miss of the Ruby pattern", `x:1:in \`${"'".repeat(HUGE)}`],
    ["a 100 KB near-miss of the env-var pattern", `missing environment variable ${"A".repeat(HUGE)}`],
  ])("reads %s quickly", (_name, line) => {
    const started = performance.now();

    refineWithLogs(baseDiagnosis("app-exit", 1), [line, line, line]);

    // Generous for a shared CI core; catastrophic backtracking takes seconds to hours.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("runs every signature's own patterns over 100 KB lines in linear time (no line cut)", () => {
    const hostile = [
      "a".repeat(HUGE),
      " ".repeat(HUGE),
      "1.".repeat(HUGE / 2),
      "a.".repeat(HUGE / 2),
      `${"A_".repeat(HUGE / 2)}`,
      `missing ${"x ".repeat(HUGE / 2)}`,
      `Error: ${":".repeat(HUGE)}`,
      `x:1:in \`${"'".repeat(HUGE)}`,
      `${"a/".repeat(HUGE / 2)}x`,
      ` /a`.repeat(HUGE / 3),
      `Set ${"A".repeat(HUGE)}`,
      `ECONNREFUSED ${"a".repeat(HUGE)}`,
    ];
    const slowest: Array<[string, number]> = [];

    for (const signature of LOG_SIGNATURES) {
      for (const line of hostile) {
        const started = performance.now();
        signature.pattern.exec(line);
        signature.context?.exec(line);
        slowest.push([signature.id, performance.now() - started]);
      }
    }

    // Each takes about 2 ms; a backtracking pattern takes seconds on lines like these.
    const tooSlow = slowest.filter(([, ms]) => ms > 100);
    expect(tooSlow).toEqual([]);
  });

  it("reads only the last lines of a very long tail", () => {
    const lines = ["exec format error", ...Array.from({ length: 10_000 }, (_, i) => `request ${i} ok`)];

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), lines);

    expect(refined.logSignature).toBeUndefined();
  });

  it("quotes at most a short piece of a huge matching line", () => {
    const line = `Error: connect ECONNREFUSED 10.0.0.5:5432 ${"x".repeat(HUGE)}`;

    const refined = refineWithLogs(baseDiagnosis("app-exit", 1), [line]);

    expect(refined.subCause).toBe("dependency-connection-refused");
    expect(refined.evidence[0]?.length).toBeLessThan(400);
  });
});

import type { LoggerPort } from "../../../src/shared/notify/transports/ports.js";

export interface RecordingLogger extends LoggerPort {
  lines: { level: string; message: string; extra: object[] }[];
  /** Everything logged, as one string, to search for things that must never be logged. */
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger["lines"] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: object[]) => {
      lines.push({ level, message, extra });
    };
  return {
    lines,
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    text: () => JSON.stringify(lines),
  };
}

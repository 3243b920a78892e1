/** How each channel shows a severity. */
import type { Severity } from "../../diagnosis/types.js";

export const SEVERITY_TAG: Readonly<Record<Severity, string>> = {
  critical: "CRITICAL",
  warning: "WARNING",
  info: "INFO",
};

/** Unicode rather than `:shortcodes:` so the header reads the same in notifications and previews. */
export const SEVERITY_EMOJI: Readonly<Record<Severity, string>> = {
  critical: "🔴",
  warning: "🟠",
  info: "🔵",
};

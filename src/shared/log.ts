/** The logging port: Powertools' Logger satisfies it in Lambda; the CLI passes a quiet stderr logger. */
export interface Log {
  debug(message: string, ...extra: object[]): void;
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Writes warnings and errors as one line each to stderr; info/debug only when verbose. */
export function stderrLog(verbose = false): Log {
  const write = (level: string, message: string, extra: object[]) => {
    const fields = Object.assign({}, ...extra) as Record<string, unknown>;
    const tail = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    process.stderr.write(`${level}: ${message}${tail}\n`);
  };
  return {
    debug: (m, ...e) => verbose && write("debug", m, e),
    info: (m, ...e) => verbose && write("info", m, e),
    warn: (m, ...e) => write("warning", m, e),
    error: (m, ...e) => write("error", m, e),
  };
}

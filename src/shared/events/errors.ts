/** An input that is not the event we expected. `path` names the failing field, e.g. `detail.containers[0].name`. */
export class EventParseError extends Error {
  override readonly name = "EventParseError";
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}

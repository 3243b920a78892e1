/** A metrics sink that keeps every count, to assert what was counted. */
import type { MetricDimensions, Metrics } from "../../src/shared/metrics/port.js";

export interface Counted {
  name: string;
  dimensions: MetricDimensions;
  value: number;
}

export function countingMetrics(): Metrics & { counted: Counted[] } {
  const counted: Counted[] = [];
  return {
    counted,
    count: (name, dimensions = {}, value = 1) => counted.push({ name, dimensions, value }),
    timing: () => {},
  };
}

/** A table derived per UTC day from the events, recomputed for the days whose events changed. */
export interface DayAggregate {
  /** Recomputes the given days; runs inside the caller's transaction. */
  refreshDays(days: string[]): void;
}

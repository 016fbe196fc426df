/** What a long run reports while it works: one phase at a time, with a count of what is done. */
export interface PhaseObserver {
  start(phase: string, total: number): void;
  progress(done: number): void;
  end(): void;
}

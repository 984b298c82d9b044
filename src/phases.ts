// The action's own time, phase by phase, so every second of a job is accounted for: one log line
// per step, the record's `phases` (the main step's), and one line in the report. Cargo's
// own build is a phase too, so the phases add up to the step's time. Pure but for the clock.

/**
 * Main: setup, guard, restore (the cache transfer), freshness (keep-fresh's proofs), build
 * (cargo), measure (the wrapper, compile work and the record around it), calibration, report,
 * confirm (rebuilding the base), advise (the profile advisor's builds). Post: describe
 * (keep-fresh's manifest), clean, save, store.
 */
export const PHASES = [
  'setup',
  'guard',
  'restore',
  'freshness',
  'build',
  'measure',
  'calibration',
  'report',
  'confirm',
  'advise',
  'describe',
  'clean',
  'save',
  'store',
] as const;
export type Phase = (typeof PHASES)[number];
export type PhaseSeconds = Partial<Record<Phase, number>>;

/** Phases that are cargo's or the cache service's work, not the action's own. */
const NOT_OWN: ReadonlySet<Phase> = new Set(['build', 'restore', 'save', 'confirm', 'advise']);

const LABEL: Record<Phase, string> = {
  setup: 'setup',
  guard: 'guard',
  restore: 'cache restore',
  freshness: 'keep-fresh',
  build: 'cargo build',
  measure: 'measuring the build',
  describe: 'keep-fresh manifest',
  calibration: 'calibration',
  report: 'report',
  confirm: 'confirming rebuild',
  advise: 'profile advice',
  clean: 'clean',
  save: 'cache save',
  store: 'baseline store',
};

export class PhaseClock {
  readonly seconds: PhaseSeconds = {};
  #last = performance.now();
  /** Seconds added as their own phases since the last mark: not charged to the marked one. */
  #inside = 0;

  /** Charges the time since the last mark, less what was added inside it, to `phase`. */
  mark(phase: Phase): void {
    const now = performance.now();
    this.#charge(phase, (now - this.#last) / 1000 - this.#inside);
    this.#last = now;
    this.#inside = 0;
  }

  /** Seconds of a phase inside the one running (the cargo build, a confirming rebuild). */
  add(phase: Phase, seconds: number): void {
    if (!(seconds > 0)) return;
    this.#charge(phase, seconds);
    this.#inside += seconds;
  }

  #charge(phase: Phase, seconds: number): void {
    if (seconds > 0) this.seconds[phase] = (this.seconds[phase] ?? 0) + seconds;
  }
}

/** The action's own seconds: every phase but cargo's build, cache transfers and confirming rebuilds. */
export function ownSeconds(phases: PhaseSeconds): number {
  return PHASES.filter((p) => !NOT_OWN.has(p)).reduce((a, p) => a + (phases[p] ?? 0), 0);
}

/** "setup 0.31 s · guard 0.01 s · cargo build 3.20 s" (phases that took time, in order). */
export function phasesText(phases: PhaseSeconds): string {
  const shown = PHASES.filter((p) => (phases[p] ?? 0) >= 0.005);
  return shown.map((p) => `${LABEL[p]} ${phases[p]!.toFixed(2)} s`).join(' · ') || 'nothing measurable';
}

/** The report's line: what the action itself cost this job, beside cargo and the cache. */
export function costLine(phases: PhaseSeconds): string {
  const own = ownSeconds(phases).toFixed(1);
  return `The action's own time so far: ${own} s beside cargo and the cache (${phasesText(phases)}).`;
}

// The advisor's result: what the JSON file holds (docs/record-schema.md, "Profile advice"), and what the job summary
// and the log render, assembled from the samples. Pure.
import { tomlSnippet } from './candidates.js';
import { adopted, judgeCandidate, type CandidateJudgement } from './judge.js';
import type { AdviceMetric, Candidate, ProfileKind, Samples, Setting, Skipped } from './model.js';

export const ADVICE_SCHEMA = 'watchmaker/advice';
export const ADVICE_VERSION = 1;

export type CandidateAdvice = Candidate &
  CandidateJudgement & {
    samples: Samples;
    /** Why it was not measured to the end (its build failed); absent otherwise. */
    problem?: string;
  };

export interface Advice {
  schema: typeof ADVICE_SCHEMA;
  version: typeof ADVICE_VERSION;
  createdAt: string;
  profile: string;
  kind: ProfileKind;
  /** The commit measured (the checkout's HEAD, in a scratch worktree). */
  commit: string | null;
  /** What the profile is tuned for, first goal first (judge.ts goalsOf). */
  goals: AdviceMetric[];
  /** Rounds completed: each built every configuration once, cold and warm, in a rotating order. */
  rounds: number;
  seconds: number;
  budgetSeconds: number;
  /** The one-line edit before each warm rebuild: a leaf crate's root file, relative to the workspace root. */
  edit: { crate: string; file: string } | null;
  /** The advise-run command, or null. */
  run: string[] | null;
  current: { samples: Samples };
  candidates: CandidateAdvice[];
  skipped: Skipped[];
  /** The winners' settings merged (Cargo.toml text), or null when nothing won. */
  adopt: { settings: Setting[]; toml: string | null; leftOut: string[] };
  notes: string[];
}

/** A candidate's samples, and why it stopped being measured (null: measured to the end). */
export interface Measured {
  candidate: Candidate;
  samples: Samples;
  problem: string | null;
}

/** The advice from the samples: each candidate judged against the current settings, the winners' settings merged. */
export function assembleAdvice(
  parts: Omit<Advice, 'schema' | 'version' | 'candidates' | 'adopt'> & { measured: Measured[] },
): Advice {
  const { measured, ...rest } = parts;
  const candidates: CandidateAdvice[] = measured.map(({ candidate, samples, problem }) => {
    const judged = judgeCandidate(candidate, parts.current.samples, samples, parts.goals);
    return { ...candidate, ...judged, samples, ...(problem === null ? {} : { verdict: 'failed' as const, problem }) };
  });
  const { winners, leftOut } = adopted(candidates);
  const settings = winners.flatMap((w) => w.settings);
  return {
    schema: ADVICE_SCHEMA,
    version: ADVICE_VERSION,
    ...rest,
    candidates,
    adopt: { settings, toml: settings.length ? tomlSnippet(settings) : null, leftOut: leftOut.map((c) => c.id) },
  };
}

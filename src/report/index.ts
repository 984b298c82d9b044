// The report's shell: loads the baseline, compares, writes the job summary and the terminal
// report, and keeps one sticky pull-request comment per job and profile up to date.
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { HistoryEntry, RunRecord } from '../record.js';
import { baselineKeys, baselineRecordPath, loadBaselineRecord, storeBaselineRecord } from './baseline.js';
import { compareRecords, type Comparison } from './compare.js';
import {
  authoredBy,
  createOctokit,
  httpStatus,
  permissionMessage,
  tokenIdentity,
  type Octokit,
} from '../github-api.js';
import { workspaceIdentity } from '../key-scope.js';
import { logText } from '../log.js';
import { ServiceDownError } from '../net/deadline.js';
import {
  COMMENT_LIMIT,
  commentMarker,
  renderReportMarkdown,
  renderReportText,
  SUMMARY_LIMIT,
  verdictOf,
  type CacheView,
  type GuardView,
  type ReportView,
} from './render.js';
import { decide, type Decision } from './verdict.js';

export type GuardSummary = GuardView;
export type CacheSummary = CacheView;

export interface ReportOutcome {
  verdict: string;
  /** Why the verdict is inconclusive (or null). */
  reason: string | null;
  baselineSeconds: number | null;
  changePercent: number | null;
  metric: string | null;
  /** Exact change of the compared crates' compile work (fraction), or null when not measured on both sides. */
  workChange: number | null;
  markdown: string;
  text: string;
  comment: 'created' | 'updated' | 'skipped' | 'failed';
  /** Where the rendered report was written (set by produceReport). */
  markdownPath?: string;
}

/** Where the report goes and what it says besides the comparison. */
export interface PublishInput {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  guard: GuardSummary;
  cache: CacheSummary;
}

/** A baseline and where it came from. */
export interface Baseline {
  base: RunRecord[] | null;
  /** How it was obtained, e.g. "main @ 3f2a1b0". */
  label: string | null;
  /** Why there is none, when there is none. */
  note: string | null;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'unknown');

/** Baseline keys, scoped like cache keys to this repository's workspace (another workspace's records never match). */
function keysFor(
  input: { config: Config; context: RunContext; env: NodeJS.ProcessEnv },
  flagsHash: string,
  commit: string | null,
) {
  const { config, context, env } = input;
  const workspace = workspaceIdentity({
    repository: context.repository,
    checkout: env.GITHUB_WORKSPACE || null,
    root: config.workingDirectory,
  }).id;
  return baselineKeys({
    prefix: config.cache.prefix,
    workspace,
    os: process.platform,
    arch: process.arch,
    profile: config.profile,
    variant: config.variant,
    flagsHash,
    commit,
  });
}

/** The record the default branch stored: for the pull request's base commit, else the newest. */
export async function loadCachedBaseline(
  input: PublishInput & { backend: CacheBackend; flagsHash: string },
): Promise<Baseline> {
  const { config, context } = input;
  const keys = keysFor(input, input.flagsHash, null);
  const baseSha = context.pullRequest?.baseSha ?? null;
  try {
    const loaded = await loadBaselineRecord({
      backend: input.backend,
      prefix: keys.restorePrefix,
      preferredKey: baseSha ? keysFor(input, input.flagsHash, baseSha).key : null,
      cachePath: baselineRecordPath(input.env.GITHUB_WORKSPACE || config.workingDirectory, config.profile),
    });
    if (!loaded) {
      return {
        base: null,
        label: null,
        note: context.pullRequest
          ? `No baseline yet: no run record of ${context.pullRequest.baseRef} for this profile and RUSTFLAGS is in the cache. Records are stored by pushes to the default branch.`
          : 'No baseline yet: the next run will compare against this one.',
      };
    }
    const commit = loaded.record.git.commit;
    const exact = baseSha !== null && commit === baseSha;
    const label = context.pullRequest
      ? `${context.pullRequest.baseRef} @ ${short(commit)}${exact ? '' : ', newest available'}`
      : `previous run @ ${short(commit)}`;
    return { base: [loaded.record], label, note: null };
  } catch (e) {
    // A service that already failed in this step was warned about then: say it once.
    if (e instanceof ServiceDownError) core.info(`Watchmaker did not load the baseline record: ${e.message}.`);
    else core.warning(`Watchmaker could not load the baseline record: ${(e as Error).message}`);
    return { base: null, label: null, note: 'The baseline record could not be loaded (see the warning).' };
  }
}

/** The comparison and what it can honestly support (pure). */
export function evaluate(
  head: RunRecord[],
  base: RunRecord[] | null,
  threshold: number | null,
  history: HistoryEntry[],
): { comparison: Comparison | null; decision: Decision | null } {
  const comparison = base && base.length ? compareRecords(head, base, { threshold, history }) : null;
  return { comparison, decision: comparison ? decide(comparison, head, base!, { threshold, history }) : null };
}

/**
 * docs/report.md#key at the version of the action that runs (GitHub names it to the step:
 * GITHUB_ACTION_REPOSITORY and GITHUB_ACTION_REF), or null outside GitHub or for a local action.
 */
export function keyUrl(env: NodeJS.ProcessEnv): string | null {
  const repo = env.GITHUB_ACTION_REPOSITORY ?? '';
  const ref = env.GITHUB_ACTION_REF ?? '';
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  if (
    !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo) ||
    !/^[A-Za-z0-9_./-]+$/.test(ref) ||
    !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(server)
  )
    return null;
  return `${server}/${repo}/blob/${ref}/docs/report.md#key`;
}

/** Renders the report, writes the job summary and the log, and keeps the sticky comment. */
export async function publishReport(
  input: PublishInput,
  content: Pick<
    ReportView,
    'record' | 'comparison' | 'decision' | 'baselineLabel' | 'baselineNote' | 'path' | 'work' | 'phases'
  >,
): Promise<ReportOutcome> {
  const { config, context } = input;
  const view: ReportView = {
    profile: config.profile,
    job: context.job,
    variant: config.variant,
    guard: input.guard,
    cache: input.cache,
    runUrl: context.runUrl,
    keyUrl: keyUrl(input.env),
    ...content,
  };
  // The job summary takes up to 1 MiB; a comment only 65,536 characters.
  const markdown = renderReportMarkdown(view, SUMMARY_LIMIT);
  const text = renderReportText(view);
  // Line by line: a flag or note with a line break must not put a command at a line's start.
  core.info(
    text
      .split(/\r\n|\r|\n/)
      .map(logText)
      .join('\n'),
  );
  if (input.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
  const { comparison, decision } = content;
  return {
    verdict: verdictOf(view),
    reason: decision?.reason ?? null,
    baselineSeconds: comparison
      ? comparison.metric === 'instructions'
        ? comparison.baseWallSeconds
        : comparison.total.base.value
      : null,
    changePercent: decision?.change != null ? decision.change * 100 : null,
    workChange: content.work?.total.change ?? null,
    metric: comparison?.metric ?? null,
    markdown,
    text,
    comment: await postComment(input, renderReportMarkdown(view, COMMENT_LIMIT)),
  };
}

const FORK_HELP = 'See docs/report.md for the two-workflow pattern that comments on fork pull requests.';

async function postComment(input: PublishInput, markdown: string): Promise<ReportOutcome['comment']> {
  const { config, context } = input;
  const isPullRequestEvent = context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
  const wanted = config.report.comment === 'always' || (config.report.comment === 'auto' && isPullRequestEvent);
  if (!wanted || config.report.comment === 'never') return 'skipped';
  const pr = context.pullRequest;
  if (!pr || !context.owner || !context.repo) {
    if (config.report.comment === 'always')
      core.warning('comment is always, but this run is not for a pull request; the report is in the job summary only.');
    return 'skipped';
  }
  if (pr.fromFork && context.eventName === 'pull_request') {
    core.warning(
      `This pull request comes from a fork, whose token cannot comment; the report is in the job summary. ${FORK_HELP}`,
    );
    return 'skipped';
  }
  if (!config.githubToken) {
    core.warning('No github-token, so no pull-request comment; the report is in the job summary.');
    return 'skipped';
  }
  const octokit = createOctokit(config.githubToken, context.apiUrl, input.env);
  const marker = commentMarker(context.job, config.profile, config.variant);
  const where = { owner: context.owner, repo: context.repo };
  try {
    const existing = await findOwnComment(octokit, where, pr.number, marker);
    if (existing !== null && (await updateComment(octokit, where, existing, markdown))) {
      core.info(`Updated the build-time comment on #${pr.number}.`);
      return 'updated';
    }
    await octokit.rest.issues.createComment({ ...where, issue_number: pr.number, body: markdown });
    core.info(`Commented the build-time report on #${pr.number}.`);
    return 'created';
  } catch (e) {
    const status = httpStatus(e);
    if (status === 403 || status === 404) {
      core.warning(
        `${permissionMessage(`comment on #${pr.number}`, 'pull-requests: write', status)} The report is in the job summary. ${FORK_HELP}`,
      );
    } else {
      core.warning(
        `Watchmaker could not comment on #${pr.number}: ${(e as Error).message}. The report is in the job summary.`,
      );
    }
    return 'failed';
  }
}

type Where = { owner: string; repo: string };

/**
 * The sticky comment: one that this token's identity wrote and that starts with this job's
 * marker. A comment by anyone else is never edited, whatever it contains.
 */
async function findOwnComment(
  octokit: Octokit,
  where: Where,
  issueNumber: number,
  marker: string,
): Promise<number | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...where,
    issue_number: issueNumber,
    per_page: 100,
  });
  const candidates = comments.filter((c) => typeof c.body === 'string' && c.body.startsWith(marker));
  if (candidates.length === 0) return null;
  const identity = await tokenIdentity(octokit);
  return candidates.find((c) => authoredBy(c, identity))?.id ?? null;
}

/** False when GitHub refuses the edit (then a new comment is posted instead). */
async function updateComment(octokit: Octokit, where: Where, commentId: number, body: string): Promise<boolean> {
  try {
    await octokit.rest.issues.updateComment({ ...where, comment_id: commentId, body });
    return true;
  } catch (e) {
    const status = httpStatus(e);
    if (status !== 403 && status !== 404) throw e;
    core.info(`GitHub refused to edit the earlier build-time comment (HTTP ${status}); posting a new one.`);
    return false;
  }
}

/**
 * Post step: store this run's record as the baseline for later runs. On GitHub only pushes to
 * the default branch store (pull requests read them); local runs always store.
 */
export async function storeBaseline(input: {
  config: Config;
  context: RunContext;
  record: RunRecord;
  recordPath: string;
  backend: CacheBackend;
  flagsHash: string;
  env: NodeJS.ProcessEnv;
}): Promise<boolean> {
  const { config, context } = input;
  if (context.onGitHub && !context.onDefaultBranch) return false;
  try {
    const keys = keysFor(input, input.flagsHash, input.record.git.commit);
    const cachePath = baselineRecordPath(input.env.GITHUB_WORKSPACE || config.workingDirectory, config.profile);
    mkdirSync(path.dirname(cachePath), { recursive: true });
    const stored = await storeBaselineRecord({ backend: input.backend, keys, recordFile: input.recordPath, cachePath });
    if (stored) core.info(`Stored the run record as the baseline for later runs (${keys.key}).`);
    return stored;
  } catch (e) {
    if (e instanceof ServiceDownError) core.info(`Watchmaker did not store the baseline record: ${e.message}.`);
    else core.warning(`Watchmaker could not store the baseline record: ${(e as Error).message}`);
    return false;
  }
}

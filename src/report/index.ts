// The report's shell: loads the baseline, compares, writes the job summary and the terminal
// report, and keeps one sticky pull-request comment per job and profile up to date.
import * as core from '@actions/core';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { RunRecord } from '../record.js';
import { baselineKeys, baselineRecordPath, loadBaselineRecord, storeBaselineRecord } from './baseline.js';
import { compareRecords, type Comparison } from './compare.js';
import { authoredBy, createOctokit, httpStatus, permissionMessage, tokenIdentity, type Octokit } from '../github-api.js';
import { logText } from '../log.js';
import { ServiceDownError } from '../net/deadline.js';
import { COMMENT_LIMIT, commentMarker, renderReportMarkdown, renderReportText, SUMMARY_LIMIT, type CacheView, type GuardView } from './render.js';

export type GuardSummary = GuardView;
export type CacheSummary = CacheView;

export interface ReportOutcome {
  verdict: string;
  baselineSeconds: number | null;
  changePercent: number | null;
  metric: string | null;
  markdown: string;
  text: string;
  comment: 'created' | 'updated' | 'skipped' | 'failed';
  /** Where the rendered report was written (set by the report phase). */
  markdownPath?: string;
}

export interface ReportInput {
  config: Config;
  context: RunContext;
  env: NodeJS.ProcessEnv;
  /** One record normally; several in rebuild mode. */
  head: RunRecord[];
  /** Already measured (rebuild mode), or null to load from the backend. */
  base: RunRecord[] | null;
  /** How the base records were obtained, for the report. */
  baseLabel?: string | null;
  /** Why there is no baseline (rebuild mode could not build the base); `base` is then empty. */
  baseNote?: string | null;
  backend: CacheBackend | null;
  flagsHash: string;
  guard: GuardSummary;
  cache: CacheSummary;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'unknown');

function keysFor(config: Config, flagsHash: string, commit: string | null) {
  return baselineKeys({ prefix: config.cache.prefix, os: process.platform, arch: process.arch, profile: config.profile, variant: config.variant, flagsHash, commit });
}

async function loadBaseline(input: ReportInput): Promise<{ base: RunRecord[] | null; label: string | null; note: string | null }> {
  if (input.base) return { base: input.base.length ? input.base : null, label: input.baseLabel ?? null, note: input.baseNote ?? null };
  if (!input.backend) return { base: null, label: null, note: null };
  const { config, context } = input;
  const keys = keysFor(config, input.flagsHash, null);
  const baseSha = context.pullRequest?.baseSha ?? null;
  try {
    const loaded = await loadBaselineRecord({
      backend: input.backend,
      prefix: keys.restorePrefix,
      preferredKey: baseSha ? keysFor(config, input.flagsHash, baseSha).key : null,
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
    const label = context.pullRequest ? `${context.pullRequest.baseRef} @ ${short(commit)}${exact ? '' : ', newest available'}` : `previous run @ ${short(commit)}`;
    return { base: [loaded.record], label, note: null };
  } catch (e) {
    // A service that already failed in this step was warned about then: say it once.
    if (e instanceof ServiceDownError) core.info(`Watchmaker did not load the baseline record: ${e.message}.`);
    else core.warning(`Watchmaker could not load the baseline record: ${(e as Error).message}`);
    return { base: null, label: null, note: 'The baseline record could not be loaded (see the warning).' };
  }
}

export async function runReport(input: ReportInput): Promise<ReportOutcome> {
  const { config, context } = input;
  const head = input.head[0]!;
  const { base, label, note } = await loadBaseline(input);
  let comparison: Comparison | null = null;
  if (base && base.length) {
    comparison = compareRecords(input.head, base, { threshold: config.report.threshold });
  }
  const view = {
    profile: config.profile,
    job: context.job,
    variant: config.variant,
    record: head,
    comparison,
    baselineNote: note,
    baselineLabel: label,
    guard: input.guard,
    cache: input.cache,
    runUrl: context.runUrl,
  };
  // The job summary takes up to 1 MiB; a comment only 65,536 characters.
  const markdown = renderReportMarkdown(view, SUMMARY_LIMIT);
  const commentMarkdown = renderReportMarkdown(view, COMMENT_LIMIT);
  const text = renderReportText(view);
  // Line by line: a flag or note with a line break must not put a command at a line's start.
  core.info(
    text
      .split(/\r\n|\r|\n/)
      .map(logText)
      .join('\n'),
  );
  if (input.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();

  const verdict = !head.success ? 'build-failed' : (comparison?.verdict ?? 'no-baseline');
  const outcome: ReportOutcome = {
    verdict,
    baselineSeconds: comparison ? (comparison.metric === 'instructions' ? comparison.baseWallSeconds : comparison.total.base.value) : null,
    changePercent: comparison?.total.change != null ? comparison.total.change * 100 : null,
    metric: comparison?.metric ?? null,
    markdown,
    text,
    comment: 'skipped',
  };
  outcome.comment = await postComment(input, commentMarkdown);
  return outcome;
}

const FORK_HELP = 'See docs/report.md for the two-workflow pattern that comments on fork pull requests.';

async function postComment(input: ReportInput, markdown: string): Promise<ReportOutcome['comment']> {
  const { config, context } = input;
  const isPullRequestEvent = context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
  const wanted = config.report.comment === 'always' || (config.report.comment === 'auto' && isPullRequestEvent);
  if (!wanted || config.report.comment === 'never') return 'skipped';
  const pr = context.pullRequest;
  if (!pr || !context.owner || !context.repo) {
    if (config.report.comment === 'always') core.warning('comment is always, but this run is not for a pull request; the report is in the job summary only.');
    return 'skipped';
  }
  if (pr.fromFork && context.eventName === 'pull_request') {
    core.warning(`This pull request comes from a fork, whose token cannot comment; the report is in the job summary. ${FORK_HELP}`);
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
      core.warning(`${permissionMessage(`comment on #${pr.number}`, 'pull-requests: write', status)} The report is in the job summary. ${FORK_HELP}`);
    } else {
      core.warning(`Watchmaker could not comment on #${pr.number}: ${(e as Error).message}. The report is in the job summary.`);
    }
    return 'failed';
  }
}

type Where = { owner: string; repo: string };

/**
 * The sticky comment: one that this token's identity wrote and that starts with this job's
 * marker. A comment by anyone else is never edited, whatever it contains.
 */
async function findOwnComment(octokit: Octokit, where: Where, issueNumber: number, marker: string): Promise<number | null> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...where, issue_number: issueNumber, per_page: 100 });
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
    const keys = keysFor(config, input.flagsHash, input.record.git.commit);
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

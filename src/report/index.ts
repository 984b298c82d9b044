// The report's shell: loads the baseline, compares, writes the job summary and the terminal
// report, and keeps one sticky pull-request comment per job and profile up to date.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CacheBackend } from '../cache/backend.js';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { RunRecord } from '../record.js';
import { baselineKeys, baselineRecordPath, loadBaselineRecord, storeBaselineRecord } from './baseline.js';
import { compareRecords, type Comparison } from './compare.js';
import { commentMarker, renderReportMarkdown, renderReportText, type CacheView, type GuardView } from './render.js';

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
  backend: CacheBackend | null;
  flagsHash: string;
  guard: GuardSummary;
  cache: CacheSummary;
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : 'unknown');

function keysFor(config: Config, flagsHash: string, commit: string | null) {
  return baselineKeys({ prefix: config.cachePrefix, os: process.platform, arch: process.arch, profile: config.profile, flagsHash, commit });
}

async function loadBaseline(input: ReportInput): Promise<{ base: RunRecord[] | null; label: string | null; note: string | null }> {
  if (input.base) return { base: input.base, label: input.baseLabel ?? null, note: null };
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
    core.warning(`Watchmaker could not load the baseline record: ${(e as Error).message}`);
    return { base: null, label: null, note: 'The baseline record could not be loaded (see the warning).' };
  }
}

export async function runReport(input: ReportInput): Promise<ReportOutcome> {
  const { config, context } = input;
  const head = input.head[0]!;
  const { base, label, note } = await loadBaseline(input);
  let comparison: Comparison | null = null;
  if (base && base.length) {
    comparison = compareRecords(input.head, base, { threshold: config.threshold });
  }
  const view = { profile: config.profile, job: context.job, record: head, comparison, baselineNote: note, baselineLabel: label, guard: input.guard, cache: input.cache, runUrl: context.runUrl };
  const markdown = renderReportMarkdown(view);
  const text = renderReportText(view);
  core.info(text);
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
  outcome.comment = await postComment(input, markdown);
  return outcome;
}

const FORK_HELP = 'See docs/report.md for the two-workflow pattern that comments on fork pull requests.';

async function postComment(input: ReportInput, markdown: string): Promise<ReportOutcome['comment']> {
  const { config, context } = input;
  const isPullRequestEvent = context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
  const wanted = config.comment === 'always' || (config.comment === 'auto' && isPullRequestEvent);
  if (!wanted || config.comment === 'never') return 'skipped';
  const pr = context.pullRequest;
  if (!pr || !context.owner || !context.repo) {
    if (config.comment === 'always') core.warning('comment is always, but this run is not for a pull request; the report is in the job summary only.');
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
  const octokit = getOctokit(config.githubToken, { baseUrl: context.apiUrl });
  const marker = commentMarker(context.job, config.profile);
  const where = { owner: context.owner, repo: context.repo };
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...where, issue_number: pr.number, per_page: 100 });
    const mine = comments.find((c) => typeof c.body === 'string' && c.body.includes(marker));
    if (mine) {
      await octokit.rest.issues.updateComment({ ...where, comment_id: mine.id, body: markdown });
      core.info(`Updated the build-time comment on #${pr.number}.`);
      return 'updated';
    }
    await octokit.rest.issues.createComment({ ...where, issue_number: pr.number, body: markdown });
    core.info(`Commented the build-time report on #${pr.number}.`);
    return 'created';
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === 403 || status === 404) {
      core.warning(`Watchmaker could not comment on #${pr.number} (HTTP ${status}): the token needs 'pull-requests: write'. The report is in the job summary. ${FORK_HELP}`);
    } else {
      core.warning(`Watchmaker could not comment on #${pr.number}: ${(e as Error).message}. The report is in the job summary.`);
    }
    return 'failed';
  }
}

/**
 * Post step: store this run's record as the baseline for later runs. On GitHub only pushes to
 * the default branch store (pull requests read them); local runs always store.
 */
export async function storeBaseline(input: { config: Config; context: RunContext; record: RunRecord; recordPath: string; backend: CacheBackend; flagsHash: string; env: NodeJS.ProcessEnv }): Promise<boolean> {
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
    core.warning(`Watchmaker could not store the baseline record: ${(e as Error).message}`);
    return false;
  }
}


// Publishing the report: render it, write the job summary and the log's text, and keep one sticky
// pull-request comment per job, profile and variant up to date (only ever one this token wrote).
import * as core from '@actions/core';
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import {
  authoredBy,
  createOctokit,
  httpStatus,
  permissionMessage,
  tokenIdentity,
  type Octokit,
} from '../github-api.js';
import { logText } from '../log.js';
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
    'record' | 'comparison' | 'decision' | 'baselineLabel' | 'baselineNote' | 'path' | 'work' | 'phases' | 'chainChange'
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
  const markdown = renderReportMarkdown(view, SUMMARY_LIMIT, 'summary');
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
    comment: await postComment(input, renderReportMarkdown(view, COMMENT_LIMIT, 'comment')),
  };
}

const FORK_HELP = 'See docs/report.md for the two-workflow pattern that comments on fork pull requests.';
const COMMENT_REFUSED = (pr: number, status: number) =>
  `${permissionMessage(`comment on #${pr}`, 'pull-requests: write', status)} ` +
  `The report is in the job summary. ${FORK_HELP}`;

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
      core.warning(COMMENT_REFUSED(pr.number, status));
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

// The one way the action talks to GitHub's REST API: Octokit with a deadline on every request,
// through the step's API gate (after one failure, later calls are refused at once). A refusal by
// GitHub's rate limits is told apart from a missing permission (both can be HTTP 403).
import { getOctokit } from '@actions/github';
import { gates, readDeadlines } from './net/deadline.js';

export type Octokit = ReturnType<typeof getOctokit>;

export function createOctokit(token: string, apiUrl: string, env: NodeJS.ProcessEnv = process.env): Octokit {
  const { apiMs } = readDeadlines(env);
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  octokit.hook.wrap('request', (request, options) => {
    const what = `${options.method} ${options.url}`;
    return gates.api.call(what, apiMs, async (signal) => {
      try {
        return await request({ ...options, request: { ...options.request, signal } });
      } catch (e) {
        throw rateLimitOf(e, what) ?? e;
      }
    });
  });
  return octokit;
}

/**
 * GitHub refused a request for its rate limits, not for a permission. Its status is 429 whatever
 * GitHub answered (a secondary limit comes as 403), so callers that read 403 as a missing
 * permission do not, and the API gate counts the API as unusable for the rest of the step.
 */
export class RateLimitError extends Error {
  readonly status = 429;

  constructor(
    message: string,
    /** Seconds until GitHub takes requests again, when it said. */
    readonly retryAfterSeconds: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RateLimitError';
  }
}

type Headers = Record<string, string | number | undefined>;

/** Seconds to wait: `retry-after` (seconds or an HTTP date), else until `x-ratelimit-reset` (epoch seconds). */
function secondsToWait(headers: Headers, now: number): number | null {
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = /^\d+$/.test(String(retryAfter).trim())
      ? Number(retryAfter)
      : (Date.parse(String(retryAfter)) - now) / 1000;
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  }
  const reset = Number(headers['x-ratelimit-reset']);
  return headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)
    ? Math.max(0, Math.ceil(reset - now / 1000))
    : null;
}

/**
 * The rate-limit refusal in an Octokit error (403 or 429 with retry-after, no requests left, or a message saying so),
 * or null.
 */
export function rateLimitOf(e: unknown, what: string, now = Date.now()): RateLimitError | null {
  const status = httpStatus(e);
  if (status !== 403 && status !== 429) return null;
  const headers: Headers = (e as { response?: { headers?: Headers } }).response?.headers ?? {};
  const message = (e as Error).message ?? '';
  const limited =
    status === 429 ||
    headers['retry-after'] !== undefined ||
    String(headers['x-ratelimit-remaining']) === '0' ||
    /rate limit/i.test(message);
  if (!limited) return null;
  const seconds = secondsToWait(headers, now);
  const when =
    seconds === null
      ? 'GitHub did not say when to retry: wait a few minutes'
      : `retry in ${seconds} s (after ${new Date(now + seconds * 1000).toISOString().slice(11, 19)} UTC)`;
  const which = /secondary rate limit/i.test(message) ? 'secondary rate limit' : 'API rate limit';
  return new RateLimitError(
    `GitHub's ${which} refused ${what} (HTTP ${status}); ${when}. This is not a missing permission.`,
    seconds,
    { cause: e },
  );
}

/** HTTP status of an Octokit error, when it has one. */
export function httpStatus(e: unknown): number | null {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : null;
}

/** The message for a refused call: which permission the job needs, and where to add it. */
export function permissionMessage(action: string, permission: string, status: number): string {
  return (
    `Watchmaker could not ${action}: the token lacks the '${permission}' permission (HTTP ${status}). ` +
    `Add '${permission}' to the job's 'permissions:'.`
  );
}

/**
 * The permission message when GitHub refused the call (403, or 404: GitHub hides from a token
 * what it may not see), else null. A rate limit is no refusal: createOctokit makes it a 429 first.
 */
export function refusalMessage(e: unknown, action: string, permission: string): string | null {
  const status = httpStatus(e);
  return status === 403 || status === 404 ? permissionMessage(action, permission, status) : null;
}

/** Who comments with this token: a user login, or the bot of the GitHub App behind it. */
export type TokenIdentity = { kind: 'user'; login: string } | { kind: 'app' };

/**
 * A personal token answers GET /user with its login. An installation token (the workflow's
 * own GITHUB_TOKEN is one) is refused there: its comments are authored by a bot through an app.
 */
export async function tokenIdentity(octokit: Octokit): Promise<TokenIdentity> {
  try {
    const { data } = await octokit.rest.users.getAuthenticated();
    return { kind: 'user', login: data.login };
  } catch (e) {
    // 401/403 for an installation token; a 404 where the endpoint is not offered (some proxies).
    const status = httpStatus(e);
    if (status === 403 || status === 401 || status === 404) return { kind: 'app' };
    throw e;
  }
}

interface CommentAuthor {
  user?: { login?: string; type?: string } | null;
  performed_via_github_app?: unknown;
}

/** True when the comment was written by the identity behind the token. */
export function authoredBy(comment: CommentAuthor, identity: TokenIdentity): boolean {
  if (identity.kind === 'user') return comment.user?.login === identity.login;
  // Only a GitHub App can write as a bot; users cannot impersonate one.
  return (
    comment.user?.type === 'Bot' &&
    (comment.user.login === 'github-actions[bot]' || Boolean(comment.performed_via_github_app))
  );
}

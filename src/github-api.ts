// The one way the action talks to GitHub's REST API: Octokit with a deadline on every request,
// through the step's API gate (after one failure, later calls are refused at once).
import { getOctokit } from '@actions/github';
import { gates, readDeadlines } from './net/deadline.js';

export type Octokit = ReturnType<typeof getOctokit>;

export function createOctokit(token: string, apiUrl: string, env: NodeJS.ProcessEnv = process.env): Octokit {
  const { apiMs } = readDeadlines(env);
  const octokit = getOctokit(token, { baseUrl: apiUrl });
  octokit.hook.wrap('request', (request, options) =>
    gates.api.call(`${options.method} ${options.url}`, apiMs, async (signal) => request({ ...options, request: { ...options.request, signal } })),
  );
  return octokit;
}

/** HTTP status of an Octokit error, when it has one. */
export function httpStatus(e: unknown): number | null {
  const status = (e as { status?: unknown }).status;
  return typeof status === 'number' ? status : null;
}

/** The message for a refused call: which permission the job needs, and where to add it. */
export function permissionMessage(action: string, permission: string, status: number): string {
  return `Watchmaker could not ${action}: the token lacks the '${permission}' permission (HTTP ${status}). Add '${permission}' to the job's 'permissions:'.`;
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
  return comment.user?.type === 'Bot' && (comment.user.login === 'github-actions[bot]' || Boolean(comment.performed_via_github_app));
}

// Where and why this run happens: event, refs, pull request, repository, run URL.
// readRunContext is pure (env and the event payload in); loadRunContext reads GITHUB_EVENT_PATH.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface PullRequestInfo {
  number: number;
  /** Base branch name, e.g. "main". */
  baseRef: string;
  baseSha: string | null;
  headSha: string | null;
  /** True when the head repository differs from the base repository (its token cannot write). */
  fromFork: boolean;
}

export interface RunContext {
  /** True when running on a GitHub Actions runner (GITHUB_ACTIONS=true). */
  onGitHub: boolean;
  eventName: string | null;
  /** Full ref, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string | null;
  /** Short branch or tag name of the ref (GITHUB_REF_NAME). */
  refName: string | null;
  sha: string | null;
  /** owner/name */
  repository: string | null;
  owner: string | null;
  repo: string | null;
  defaultBranch: string | null;
  pullRequest: PullRequestInfo | null;
  /** True for a push (or other non-PR event) to the default branch. */
  onDefaultBranch: boolean;
  runUrl: string | null;
  job: string | null;
  apiUrl: string;
  serverUrl: string;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function readRunContext(env: NodeJS.ProcessEnv, event: unknown): RunContext {
  const payload = obj(event) ?? {};
  const repository = str(env.GITHUB_REPOSITORY);
  const [owner, repo] = repository?.includes('/') ? (repository.split('/', 2) as [string, string]) : [null, null];
  const serverUrl = str(env.GITHUB_SERVER_URL) ?? 'https://github.com';
  const apiUrl = str(env.GITHUB_API_URL) ?? 'https://api.github.com';
  const repoPayload = obj(payload.repository);
  const defaultBranch = str(repoPayload?.default_branch);

  const pr = obj(payload.pull_request);
  let pullRequest: PullRequestInfo | null = null;
  if (pr && typeof pr.number === 'number') {
    const base = obj(pr.base);
    const head = obj(pr.head);
    const baseRepo = str(obj(base?.repo)?.full_name);
    const headRepo = str(obj(head?.repo)?.full_name);
    pullRequest = {
      number: pr.number,
      baseRef: str(base?.ref) ?? str(env.GITHUB_BASE_REF) ?? defaultBranch ?? 'main',
      baseSha: str(base?.sha),
      headSha: str(head?.sha),
      fromFork: baseRepo !== null && headRepo !== null && baseRepo !== headRepo,
    };
  }

  const ref = str(env.GITHUB_REF);
  const refName = str(env.GITHUB_REF_NAME) ?? (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null);
  const runId = str(env.GITHUB_RUN_ID);
  return {
    onGitHub: env.GITHUB_ACTIONS === 'true',
    eventName: str(env.GITHUB_EVENT_NAME),
    ref,
    refName,
    sha: str(env.GITHUB_SHA),
    repository,
    owner,
    repo,
    defaultBranch,
    pullRequest,
    onDefaultBranch: pullRequest === null && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    job: str(env.GITHUB_JOB),
    apiUrl,
    serverUrl,
  };
}

/** Reads the event payload named by GITHUB_EVENT_PATH (missing or unreadable → no payload). */
export function loadRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let event: unknown = null;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath && existsSync(eventPath)) {
    try {
      event = JSON.parse(readFileSync(eventPath, 'utf8'));
    } catch (e) {
      throw new Error(`GITHUB_EVENT_PATH (${eventPath}) is not valid JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  return readRunContext(env, event);
}

/** A path as annotations want it: relative to the checkout when inside it. */
export function relativeToWorkspace(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.GITHUB_WORKSPACE;
  if (!root) return file;
  const rel = path.relative(root, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

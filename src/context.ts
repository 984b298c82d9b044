// Where and why this run happens: event, refs, pull request, repository, run URL. The runner's
// variables and the event file are read by @actions/github's Context; this module adds what it
// does not give (the pull request's details, the default branch, GITHUB_REF_NAME, the run URL).
// readRunContext takes the event payload as a value; loadRunContext reads GITHUB_EVENT_PATH.
import { context as importedContext } from '@actions/github';
import path from 'node:path';
import { withProcessEnv } from './process-env.js';

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
type ActionsContext = typeof importedContext;
type Repo = { owner: string; repo: string };

/**
 * @actions/github exports only the context it built from process.env when it was imported; its
 * class builds one from the environment given here (a test's own, or a step's).
 */
const ActionsContextClass = importedContext.constructor as new () => ActionsContext;

const UNREADABLE_EVENT = (file: string | undefined, what: string, reason: string) =>
  `GITHUB_EVENT_PATH (${file}) ${what}: ${reason}. The runner writes this file; ` +
  "outside GitHub, unset GITHUB_EVENT_PATH or point it at the event's JSON payload.";

const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** An empty variable counts as unset, as before (Context would keep an empty GITHUB_SERVER_URL). */
const setVariables = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

/** Owner and name: GITHUB_REPOSITORY, else the payload's repository (Context.repo), else null. */
function repoOf(context: ActionsContext): Repo | null {
  try {
    const { owner, repo } = context.repo;
    return str(owner) && str(repo) ? { owner, repo } : null;
  } catch {
    return null; // neither is there
  }
}

/**
 * Context under `env` (it reads process.env when built and when asked for `repo`). With a
 * `payload`, that is the event and no file is read.
 */
function actionsContext(
  env: NodeJS.ProcessEnv,
  payload?: { event: unknown },
): { context: ActionsContext; repo: Repo | null } {
  const vars = setVariables(env);
  if (payload) delete vars.GITHUB_EVENT_PATH;
  return withProcessEnv(vars, () => {
    const context = new ActionsContextClass();
    if (payload) context.payload = obj(payload.event) ?? {};
    return { context, repo: repoOf(context) };
  });
}

function pullRequestOf(payload: Json, env: NodeJS.ProcessEnv, defaultBranch: string | null): PullRequestInfo | null {
  const pr = obj(payload.pull_request);
  if (!pr || typeof pr.number !== 'number') return null;
  const base = obj(pr.base);
  const head = obj(pr.head);
  const baseRepo = str(obj(base?.repo)?.full_name);
  const headRepo = str(obj(head?.repo)?.full_name);
  return {
    number: pr.number,
    baseRef: str(base?.ref) ?? str(env.GITHUB_BASE_REF) ?? defaultBranch ?? 'main',
    baseSha: str(base?.sha),
    headSha: str(head?.sha),
    fromFork: baseRepo !== null && headRepo !== null && baseRepo !== headRepo,
  };
}

/** The RunContext from Context, and from `env` what Context does not read. */
function runContextOf(env: NodeJS.ProcessEnv, context: ActionsContext, repo: Repo | null): RunContext {
  const payload = obj(context.payload) ?? {};
  const defaultBranch = str(obj(payload.repository)?.default_branch);
  const pullRequest = pullRequestOf(payload, env, defaultBranch);
  const ref = str(context.ref);
  const refName = str(env.GITHUB_REF_NAME) ?? (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null);
  const repository = repo ? `${repo.owner}/${repo.repo}` : null;
  const runId = Number.isInteger(context.runId) ? context.runId : null;
  return {
    onGitHub: env.GITHUB_ACTIONS === 'true',
    eventName: str(context.eventName),
    ref,
    refName,
    sha: str(context.sha),
    repository,
    owner: repo?.owner ?? null,
    repo: repo?.repo ?? null,
    defaultBranch,
    pullRequest,
    onDefaultBranch: pullRequest === null && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`,
    runUrl: repository && runId !== null ? `${context.serverUrl}/${repository}/actions/runs/${runId}` : null,
    job: str(context.job),
    apiUrl: context.apiUrl,
    serverUrl: context.serverUrl,
  };
}

/** The run's context from `env` and the event payload given as a value (no file is read). */
export function readRunContext(env: NodeJS.ProcessEnv, event: unknown): RunContext {
  const { context, repo } = actionsContext(env, { event });
  return runContextOf(env, context, repo);
}

/** The run's context, with the event payload named by GITHUB_EVENT_PATH (a missing file → no payload). */
export function loadRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let read: ReturnType<typeof actionsContext>;
  try {
    read = actionsContext(env);
  } catch (e) {
    const what = e instanceof SyntaxError ? 'is not valid JSON' : 'could not be read';
    throw new Error(UNREADABLE_EVENT(env.GITHUB_EVENT_PATH, what, (e as Error).message), { cause: e });
  }
  return runContextOf(env, read.context, read.repo);
}

/** A path as annotations want it: relative to the checkout when inside it. */
export function relativeToWorkspace(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env.GITHUB_WORKSPACE;
  if (!root) return file;
  const rel = path.relative(root, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

// Which backend holds the cache: GitHub's cache service when @actions/cache can reach one (its
// own check, service.ts) or when asked, else a local directory, whose entries are scoped by ref
// the way GitHub scopes its own.
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { CacheBackend } from './backend.js';
import { GitHubCacheBackend, type CacheApiScope } from './github.js';
import { LOCAL_SCOPE, LocalCacheBackend, type LocalRefScope } from './local.js';
import { serviceAvailable } from './service.js';

/** The repository and ref whose entries the REST clean-up may delete, when all are known. */
export function cacheApiScope(config: Pick<Config, 'githubToken'>, context: RunContext): CacheApiScope | null {
  if (!context.owner || !context.repo || !context.ref || !config.githubToken) return null;
  return {
    token: config.githubToken,
    apiUrl: context.apiUrl,
    owner: context.owner,
    repo: context.repo,
    ref: context.ref,
  };
}

/**
 * GitHub's rule for the local backend: a run reads its own ref's entries and the default
 * branch's, and writes its own ref's. A pull request writes under its own ref whatever ref its
 * event runs on (pull_request_target runs on the base branch's), so the default branch never
 * restores what a pull request's code built.
 */
export function localRefScope(context: RunContext): LocalRefScope {
  const defaultRef = context.defaultBranch ? `refs/heads/${context.defaultBranch}` : null;
  if (context.pullRequest) return { ref: `refs/pull/${context.pullRequest.number}/merge`, defaultRef };
  if (!context.onGitHub) return LOCAL_SCOPE;
  return { ref: context.ref ?? 'unknown-ref', defaultRef };
}

export function createBackend(config: Config, context: RunContext, env: NodeJS.ProcessEnv): CacheBackend {
  const local = () => new LocalCacheBackend(config.cache.dir, localRefScope(context));
  if (config.cache.backend === 'local') return local();
  if (config.cache.backend === 'github' || serviceAvailable(env))
    return new GitHubCacheBackend(env, cacheApiScope(config, context));
  return local();
}

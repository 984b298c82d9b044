// Which backend holds the cache: GitHub's cache service when the runner provides it (or when
// asked), else a local directory.
import type { Config } from '../config.js';
import type { RunContext } from '../context.js';
import type { CacheBackend } from './backend.js';
import { GitHubCacheBackend, type CacheApiScope } from './github.js';
import { LocalCacheBackend } from './local.js';

export function serviceAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_RESULTS_URL || env.ACTIONS_CACHE_URL));
}

/** The repository and ref whose entries the REST clean-up may delete, when all are known. */
export function cacheApiScope(config: Config, context: RunContext): CacheApiScope | null {
  if (!context.owner || !context.repo || !context.ref || !config.githubToken) return null;
  return { token: config.githubToken, apiUrl: context.apiUrl, owner: context.owner, repo: context.repo, ref: context.ref };
}

export function createBackend(config: Config, context: RunContext, env: NodeJS.ProcessEnv): CacheBackend {
  if (config.cache.backend === 'local') return new LocalCacheBackend(config.cache.dir);
  if (config.cache.backend === 'github' || serviceAvailable(env)) return new GitHubCacheBackend(env, cacheApiScope(config, context));
  return new LocalCacheBackend(config.cache.dir);
}

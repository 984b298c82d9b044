// Which cache service @actions/cache talks to on this runner, by the library's own rules: its
// feature check, and the protocol it picks (on GHES it never speaks v2, whatever the runner asks).
import * as cache from '@actions/cache';
import { withProcessEnv } from '../process-env.js';

export type ServiceVersion = 'v1' | 'v2';

/**
 * The library's isFeatureAvailable() under `env`. A stand-in for the library (GitHub's
 * local-action) may not have it: then there is no service.
 */
function featureAvailable(env: NodeJS.ProcessEnv): boolean {
  const check: unknown = (cache as Record<string, unknown>).isFeatureAvailable;
  return typeof check === 'function' && withProcessEnv(env, () => Boolean((check as () => unknown)()));
}

/** The library can reach a cache service: its feature check, and the runtime token it sends. */
export function serviceAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN) && featureAvailable(env);
}

/**
 * The protocol the library speaks: v2 (Twirp) when the runner asks for it, except on GHES
 * (GITHUB_SERVER_URL not github.com, *.ghe.com or *.localhost), where it falls back to v1. The
 * rule is the library's, internal to it; its feature check applies it, and needs for v2 the
 * results URL only: with just that URL set, the check answers which protocol it chose.
 */
export function serviceVersion(env: NodeJS.ProcessEnv): ServiceVersion {
  const { ACTIONS_CACHE_URL: _v1Url, ...rest } = env;
  return featureAvailable({ ...rest, ACTIONS_RESULTS_URL: 'http://results.invalid/' }) ? 'v2' : 'v1';
}

/** Where the library sends that protocol: v1 falls back to the results URL, as the library does. Null: nowhere. */
export function serviceUrl(env: NodeJS.ProcessEnv, version: ServiceVersion): string | null {
  const url = version === 'v2' ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL;
  return url || null;
}

// The cache capability: restore in main (restore.ts), clean and save in post (save.ts), on the
// backend select.ts picks (github.ts or local.ts). Keys are in keys.ts, cleaning in clean.ts,
// what the cleaner may touch in ownership.ts, and the repository's cache usage (post) in usage.ts.
// Incremental data is never cached, and incremental.ts turns it off for the build (main).
export { GitHubCacheBackend } from './github.js';
export { LocalCacheBackend } from './local.js';
export { createBackend } from './select.js';
export { cachePaths, restoreCache, type CacheRestoreState } from './restore.js';
export { turnIncrementalOff } from './incremental.js';
export {
  buildOutcome,
  decideSave,
  saveCache,
  staleDependencies,
  type BuildOutcome,
  type CacheSaveInput,
  type CacheSaveOutcome,
  type SaveDecision,
  type SaveRun,
} from './save.js';
export { reportCacheUsage, summariseUsage, usageMarkdown, type CacheUsageSummary } from './usage.js';

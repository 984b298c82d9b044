// One interface for the two places a cache can live: the GitHub Actions cache service and a
// local directory (the embedded default outside GitHub). Both follow GitHub's matching rules:
// the exact key first, then the primary key and each restore key as prefixes, newest first,
// among the entries the run's ref may read (its own and the default branch's). A pull request
// writes only entries its own ref reads (the local backend files them under the pull request).

export interface RestoreResult {
  /** The key of the entry that was restored. */
  matchedKey: string;
  /** Archive size in bytes when the backend knows it. */
  archiveBytes: number | null;
}

export interface SaveResult {
  /** False when the key already existed (another job saved it first) or the backend refused. */
  saved: boolean;
  archiveBytes: number | null;
  /** Human-readable reason when not saved. */
  reason?: string;
}

/** Where superseded entries live, for backends that need it (GitHub scopes entries by ref). */
export interface PruneScope {
  /** Entries whose key starts with this prefix... */
  prefix: string;
  /** ...except this one (the entry just saved). */
  keepKey: string;
}

export interface PruneResult {
  deleted: number;
  /** Size of the kept entry, when the backend reports it. */
  keptEntryBytes: number | null;
}

/** What a save leaves out of the archive. */
export interface SaveOptions {
  /**
   * Absolute paths inside the cached paths (files, or directories with everything in them) to
   * leave out: what the cleaner plans to drop where it may not delete (outside CI). Backends
   * that cannot leave files out save them.
   */
  exclude?: readonly string[];
}

export interface CacheBackend {
  readonly kind: 'github' | 'local';
  /** Human-readable description for logs, e.g. "GitHub Actions cache" or "local directory /x". */
  readonly description: string;
  /** Whether an entry with exactly this key exists for these paths. Throws when the service fails. */
  exists(paths: string[], key: string): Promise<boolean>;
  /** The key a restore would match, without restoring anything. Throws when the service fails. */
  lookup(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined>;
  /** Returns undefined on a miss. Throws on service errors: callers turn those into warnings. */
  restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined>;
  /** Throws on service errors: callers turn those into warnings. */
  save(paths: string[], key: string, options?: SaveOptions): Promise<SaveResult>;
  /** Deletes the entry with exactly this key that this run's ref wrote. */
  remove(key: string): Promise<void>;
  /** Deletes entries a newer save superseded, only among those this run's ref wrote. */
  prune(scope: PruneScope): Promise<PruneResult>;
}

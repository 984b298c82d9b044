// One interface for the two places a cache can live: the GitHub Actions cache service and a
// local directory (the embedded default outside GitHub). Both follow GitHub's matching rules:
// the exact key first, then the primary key and each restore key as prefixes, newest first.

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

export interface CacheBackend {
  readonly kind: 'github' | 'local';
  /** Human-readable description for logs, e.g. "GitHub Actions cache" or "local directory /x". */
  readonly description: string;
  /** Whether an entry with exactly this key exists for these paths. Throws when the service fails. */
  exists(paths: string[], key: string): Promise<boolean>;
  /** Returns undefined on a miss. Throws on service errors: callers turn those into warnings. */
  restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined>;
  /** Throws on service errors: callers turn those into warnings. */
  save(paths: string[], key: string): Promise<SaveResult>;
  /** Deletes the entry with exactly this key, so a save can replace it. */
  remove(key: string): Promise<void>;
  /** Deletes entries a newer save superseded. */
  prune(scope: PruneScope): Promise<PruneResult>;
}

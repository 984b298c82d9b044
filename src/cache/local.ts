// A cache in a local directory: the embedded default outside GitHub (and for self-hosted
// runners that prefer a disk). Archives are tar (zstd when available) of absolute paths,
// stored with an index; matching follows GitHub's rules: exact key, then the primary key and
// each restore key as prefixes, newest first, among entries saved for the same paths.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { capture } from '../proc.js';
import type { CacheBackend, RestoreResult, SaveResult } from './backend.js';
import { shortHash } from './keys.js';

interface LocalEntry {
  key: string;
  version: string;
  file: string;
  createdAt: number;
  sizeBytes: number;
}

/** Same idea as GitHub's cache version: entries only match saves of the same path list. */
export function pathsVersion(paths: string[]): string {
  return createHash('sha256').update([...paths].join('\n')).digest('hex');
}

/** GitHub's matching rules over a list of entries. */
export function matchEntry<T extends { key: string; version: string; createdAt: number }>(entries: T[], version: string, primaryKey: string, restoreKeys: string[]): T | undefined {
  const candidates = entries.filter((e) => e.version === version);
  const exact = candidates.find((e) => e.key === primaryKey);
  if (exact) return exact;
  for (const prefix of [primaryKey, ...restoreKeys]) {
    const hits = candidates.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.createdAt - a.createdAt);
    if (hits[0]) return hits[0];
  }
  return undefined;
}

const safeName = (key: string) => `${key.replace(/[^A-Za-z0-9._+=-]/g, '_').slice(0, 150)}-${shortHash(key, 8)}`;

export class LocalCacheBackend implements CacheBackend {
  readonly kind = 'local' as const;
  readonly description: string;
  private compression: 'zstd' | 'gzip' | null = null;

  constructor(readonly dir: string) {
    this.description = `local directory ${dir}`;
  }

  private indexFile(): string {
    return path.join(this.dir, 'index.json');
  }

  entries(): LocalEntry[] {
    if (!existsSync(this.indexFile())) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.indexFile(), 'utf8')) as { entries?: LocalEntry[] };
      return (parsed.entries ?? []).filter((e) => existsSync(path.join(this.dir, e.file)));
    } catch (e) {
      throw new Error(`The local cache index ${this.indexFile()} is damaged (${(e as Error).message}); delete the directory to start over.`);
    }
  }

  private writeIndex(entries: LocalEntry[]): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.indexFile()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ entries }, null, 1));
    renameSync(tmp, this.indexFile());
  }

  private async tarCompression(): Promise<'zstd' | 'gzip'> {
    if (!this.compression) {
      const probe = await capture('zstd', ['--version']).catch(() => null);
      this.compression = probe && probe.code === 0 ? 'zstd' : 'gzip';
    }
    return this.compression;
  }

  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined> {
    const hit = matchEntry(this.entries(), pathsVersion(paths), primaryKey, restoreKeys);
    if (!hit) return undefined;
    const archive = path.join(this.dir, hit.file);
    const compression = hit.file.endsWith('.zst') ? 'zstd' : 'gzip';
    const r = await capture('tar', ['-x', compression === 'zstd' ? '--zstd' : '-z', '-f', archive, '-C', '/', '-P']);
    if (r.code !== 0) throw new Error(`tar could not extract ${archive}: ${r.stderr.trim()}`);
    return { matchedKey: hit.key, archiveBytes: hit.sizeBytes };
  }

  async save(paths: string[], key: string): Promise<SaveResult> {
    const existing = paths.filter((p) => existsSync(p));
    if (existing.length === 0) return { saved: false, archiveBytes: null, reason: 'none of the cache paths exist' };
    mkdirSync(this.dir, { recursive: true });
    const compression = await this.tarCompression();
    const file = `${safeName(key)}.tar.${compression === 'zstd' ? 'zst' : 'gz'}`;
    const tmp = path.join(this.dir, `.${file}.${process.pid}.tmp`);
    // Absolute member names (-P) so the archive restores to the same places, like @actions/cache.
    const r = await capture('tar', ['-c', compression === 'zstd' ? '--zstd' : '-z', '-f', tmp, '-P', ...existing]);
    if (r.code !== 0) {
      rmSync(tmp, { force: true });
      throw new Error(`tar could not write the cache archive: ${r.stderr.trim()}`);
    }
    renameSync(tmp, path.join(this.dir, file));
    const sizeBytes = statSync(path.join(this.dir, file)).size;
    const entries = this.entries().filter((e) => e.key !== key);
    entries.push({ key, version: pathsVersion(paths), file, createdAt: Date.now(), sizeBytes });
    this.writeIndex(entries);
    return { saved: true, archiveBytes: sizeBytes };
  }

  /** Deletes entries whose key starts with `prefix`, except `keep` (superseded by a newer save). */
  prune(prefix: string, keep: string): number {
    const entries = this.entries();
    const gone = entries.filter((e) => e.key.startsWith(prefix) && e.key !== keep);
    for (const e of gone) rmSync(path.join(this.dir, e.file), { force: true });
    if (gone.length) this.writeIndex(entries.filter((e) => !gone.includes(e)));
    return gone.length;
  }
}

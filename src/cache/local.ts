// A cache in a local directory: the embedded default outside GitHub (and for self-hosted
// runners that prefer a disk). Archives are tar (zstd when available) of absolute paths.
// Each archive has a metadata file beside it, written before the archive is renamed into
// place; index.json is derived from those under a lock, so concurrent saves never lose an
// entry and a damaged index is rebuilt. Matching follows GitHub's rules: exact key, then the
// primary key and each restore key as prefixes, newest first, among entries for the same paths.
// A restore lists the archive first and extracts nothing unless every member stays inside the
// cached paths.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import * as core from '@actions/core';
import { shortHash } from '../hashing.js';
import { capture } from '../proc.js';
import type { CacheBackend, PruneResult, PruneScope, RestoreResult, SaveResult } from './backend.js';
import { withDirectoryLock } from './lock.js';

interface LocalEntry {
  key: string;
  version: string;
  file: string;
  createdAt: number;
  sizeBytes: number;
}

/** Same idea as GitHub's cache version: entries only match saves of the same path list. */
export function pathsVersion(paths: string[]): string {
  return createHash('sha256')
    .update([...paths].join('\n'))
    .digest('hex');
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
const META = '.meta.json';

/** Why an archive member may not be extracted, or null when it stays inside the cached paths. */
export function unsafeMember(entry: { path: string; type: string; linkpath?: string }, roots: string[]): string | null {
  const within = (p: string) => roots.some((r) => p === r || p.startsWith(`${r.replace(/\/$/, '')}/`));
  const raw = entry.path.replace(/\/$/, '');
  if (!path.posix.isAbsolute(raw)) return `${entry.path}: not an absolute member name`;
  if (raw.split('/').includes('..')) return `${entry.path}: climbs out with '..'`;
  if (!within(path.posix.normalize(raw))) return `${entry.path}: outside the cached paths`;
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
    const link = entry.linkpath ?? '';
    const target = entry.type === 'Link' || path.posix.isAbsolute(link) ? path.posix.normalize(link) : path.posix.normalize(path.posix.join(path.posix.dirname(raw), link));
    if (!within(target)) return `${entry.path}: links to ${link}, outside the cached paths`;
    return null;
  }
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(entry.type)) return `${entry.path}: a ${entry.type} entry`;
  return null;
}

/** Lists an archive's members (gzip is detected by the parser; zstd is decompressed by zstd). */
function listMembers(archive: string): Promise<Array<{ path: string; type: string; linkpath?: string }>> {
  return new Promise((resolve, reject) => {
    const members: Array<{ path: string; type: string; linkpath?: string }> = [];
    const parser = new Parser({
      onReadEntry: (entry: ReadEntry) => {
        members.push({ path: entry.path, type: entry.type, linkpath: entry.linkpath });
        entry.resume();
      },
    });
    parser.on('error', reject);
    parser.on('end', () => resolve(members));
    if (archive.endsWith('.zst')) {
      const child = spawn('zstd', ['-dc', archive], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.on('error', reject);
      child.stdout.pipe(parser);
    } else {
      createReadStream(archive).on('error', reject).pipe(parser);
    }
  });
}

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

  /** Every entry whose archive and metadata are both there (the metadata is the truth). */
  entries(): LocalEntry[] {
    if (!existsSync(this.dir)) return [];
    const out: LocalEntry[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(META) || name.startsWith('.')) continue;
      try {
        const entry = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as LocalEntry;
        if (typeof entry.key === 'string' && existsSync(path.join(this.dir, entry.file))) out.push(entry);
      } catch (e) {
        core.warning(`The local cache entry ${name} in ${this.dir} is damaged (${(e as Error).message}); it is ignored.`);
      }
    }
    return out;
  }

  /** Rewrites index.json from the metadata files (under the lock, atomically). */
  private writeIndex(): void {
    const tmp = `${this.indexFile()}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ entries: this.entries() }, null, 1));
    renameSync(tmp, this.indexFile());
  }

  /** Repairs index.json when it is missing entries or cannot be read; old caches get metadata files. */
  private reconcile(): void {
    if (!existsSync(this.indexFile())) return;
    let listed: LocalEntry[] | null;
    try {
      const parsed = JSON.parse(readFileSync(this.indexFile(), 'utf8')) as { entries?: LocalEntry[] };
      listed = Array.isArray(parsed.entries) ? parsed.entries : null;
    } catch {
      listed = null;
    }
    const known = new Set(this.entries().map((e) => e.file));
    for (const e of listed ?? []) {
      if (!known.has(e.file) && existsSync(path.join(this.dir, e.file))) writeFileSync(path.join(this.dir, `${e.file}${META}`), JSON.stringify(e));
    }
    if (listed === null || listed.length !== this.entries().length) {
      withDirectoryLock(this.dir, () => this.writeIndex());
      core.info(`Watchmaker: the local cache index ${this.indexFile()} was ${listed === null ? 'damaged' : 'out of date'}; rebuilt it from the archives.`);
    }
  }

  private async tarCompression(): Promise<'zstd' | 'gzip'> {
    if (!this.compression) {
      const probe = await capture('zstd', ['--version']).catch(() => null);
      this.compression = probe && probe.code === 0 ? 'zstd' : 'gzip';
    }
    return this.compression;
  }

  private find(paths: string[], primaryKey: string, restoreKeys: string[]): LocalEntry | undefined {
    this.reconcile();
    return matchEntry(this.entries(), pathsVersion(paths), primaryKey, restoreKeys);
  }

  exists(paths: string[], key: string): Promise<boolean> {
    return Promise.resolve(this.find(paths, key, [])?.key === key);
  }

  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined> {
    const hit = this.find(paths, primaryKey, restoreKeys);
    if (!hit) return undefined;
    const archive = path.join(this.dir, hit.file);
    const problems = (await listMembers(archive)).map((m) => unsafeMember(m, paths)).filter((p): p is string => p !== null);
    if (problems.length) {
      core.warning(
        `The local cache archive ${archive} has ${problems.length} member(s) that would land outside the cached paths (${problems.slice(0, 3).join('; ')}); nothing was extracted, and this counts as a miss.`,
      );
      return undefined;
    }
    const r = await capture('tar', ['-x', hit.file.endsWith('.zst') ? '--zstd' : '-z', '-f', archive, '-C', '/', '-P']);
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
    const sizeBytes = statSync(tmp).size;
    const entry: LocalEntry = { key, version: pathsVersion(paths), file, createdAt: Date.now(), sizeBytes };
    withDirectoryLock(this.dir, () => {
      writeFileSync(`${tmp}${META}`, JSON.stringify(entry));
      renameSync(tmp, path.join(this.dir, file));
      renameSync(`${tmp}${META}`, path.join(this.dir, `${file}${META}`));
      this.writeIndex();
    });
    return { saved: true, archiveBytes: sizeBytes };
  }

  private drop(entries: LocalEntry[]): void {
    if (entries.length === 0) return;
    withDirectoryLock(this.dir, () => {
      for (const e of entries) {
        rmSync(path.join(this.dir, `${e.file}${META}`), { force: true });
        rmSync(path.join(this.dir, e.file), { force: true });
      }
      this.writeIndex();
    });
  }

  remove(key: string): Promise<void> {
    this.drop(this.entries().filter((e) => e.key === key));
    return Promise.resolve();
  }

  /** Deletes entries whose key starts with the prefix, except the one just saved. */
  prune(scope: PruneScope): Promise<PruneResult> {
    const gone = this.entries().filter((e) => e.key.startsWith(scope.prefix) && e.key !== scope.keepKey);
    this.drop(gone);
    return Promise.resolve({ deleted: gone.length, keptEntryBytes: null });
  }
}

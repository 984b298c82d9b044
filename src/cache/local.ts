// A cache in a local directory: the embedded default outside GitHub (and for self-hosted
// runners that prefer a disk). Archives are tar (zstd when available) of absolute paths.
// Each archive has a metadata file beside it, written before the archive is renamed into
// place; index.json is derived from those under a lock, so concurrent saves never lose an
// entry and a damaged index is rebuilt. Matching follows GitHub's rules: exact key, then the
// primary key and each restore key as prefixes, newest first, among entries for the same paths.
// Like GitHub's cache, each entry records the ref scope that saved it, and a run sees only its own
// scope's entries and the default branch's; a pull request's scope is its own, whatever the ref
// its event runs on. A save stopped by a signal removes its temporary archive.
// A restore lists the archive first and extracts nothing unless every member stays inside the
// cached paths.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import * as core from '@actions/core';
import { shortHash } from '../hashing.js';
import { childEnv } from '../child-env.js';
import { logText } from '../log.js';
import { capture } from '../proc.js';
import type { CacheBackend, PruneResult, PruneScope, RestoreResult, SaveOptions, SaveResult } from './backend.js';
import { withDirectoryLock } from './lock.js';

const INDEX_REBUILT = (file: string, damaged: boolean) =>
  `Watchmaker: the local cache index ${file} was ${damaged ? 'damaged' : 'out of date'}; rebuilt it from the archives.`;
const UNSAFE_ARCHIVE = (archive: string, problems: string[]) =>
  `The local cache archive ${archive} has ${problems.length} member(s) that would land outside the cached paths ` +
  `(${problems.slice(0, 3).join('; ')}); nothing was extracted, and this counts as a miss.`;

interface LocalEntry {
  key: string;
  version: string;
  file: string;
  createdAt: number;
  sizeBytes: number;
  /** The ref scope that saved it; entries written before scopes existed are the default branch's. */
  scope?: string;
}

/** Whose entries a run reads and writes: its own ref's, and reads the default branch's too. */
export interface LocalRefScope {
  /** Where this run's saves are filed, e.g. refs/heads/main, refs/pull/7/merge, or 'local'. */
  ref: string;
  /** The default branch's scope, when known. */
  defaultRef: string | null;
}

/** Runs outside GitHub: one scope for all. */
export const LOCAL_SCOPE: LocalRefScope = { ref: 'local', defaultRef: 'local' };

/** Same idea as GitHub's cache version: entries only match saves of the same path list. */
export function pathsVersion(paths: string[]): string {
  return createHash('sha256')
    .update([...paths].join('\n'))
    .digest('hex');
}

/** GitHub's matching rules over a list of entries. */
export function matchEntry<T extends { key: string; version: string; createdAt: number }>(
  entries: T[],
  version: string,
  primaryKey: string,
  restoreKeys: string[],
): T | undefined {
  const candidates = entries.filter((e) => e.version === version);
  const exact = candidates.find((e) => e.key === primaryKey);
  if (exact) return exact;
  for (const prefix of [primaryKey, ...restoreKeys]) {
    const hits = candidates.filter((e) => e.key.startsWith(prefix)).sort((a, b) => b.createdAt - a.createdAt);
    if (hits[0]) return hits[0];
  }
  return undefined;
}

const safeName = (key: string, scope: string) =>
  `${key.replace(/[^A-Za-z0-9._+=-]/g, '_').slice(0, 150)}-${shortHash(`${scope}\n${key}`, 8)}`;
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
    const target =
      entry.type === 'Link' || path.posix.isAbsolute(link)
        ? path.posix.normalize(link)
        : path.posix.normalize(path.posix.join(path.posix.dirname(raw), link));
    if (!within(target)) return `${entry.path}: links to ${link}, outside the cached paths`;
    return null;
  }
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(entry.type))
    return `${entry.path}: a ${entry.type} entry`;
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

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Runs tar to write the archive `tmp`. A SIGTERM or SIGINT meanwhile (a cancelled job) stops tar
 * and its compressor, removes `tmp`, then lets the signal take its course: a stopped save leaves
 * no temporary archive behind.
 */
function writeArchive(tmp: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tar', args, { env: childEnv(process.env), stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    let stopping = false;
    const detach = () => STOP_SIGNALS.forEach((s) => process.off(s, stop));
    function stop(signal: NodeJS.Signals): void {
      stopping = true;
      detach();
      child.kill('SIGTERM');
      // 'close' waits for the compressor too (it shares tar's stderr): nothing writes tmp after it.
      const bound = setTimeout(finish, 5000);
      child.once('close', finish);
      function finish(): void {
        clearTimeout(bound);
        child.off('close', finish);
        removeTemporary(tmp);
        process.kill(process.pid, signal);
      }
    }
    STOP_SIGNALS.forEach((s) => process.once(s, stop));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => {
      detach();
      reject(e);
    });
    child.on('close', (code, signal) => {
      detach();
      if (!stopping) resolve({ code: code ?? (signal ? 128 : 1), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** The temporary archive and the files named after it (its metadata, tar's lists). */
function removeTemporary(tmp: string): void {
  const base = path.basename(tmp);
  for (const name of readdirSync(path.dirname(tmp)))
    if (name === base || name.startsWith(`${base}.`)) rmSync(path.join(path.dirname(tmp), name), { force: true });
}

/** Temporary files of saves that died without cleaning up (the lock holder removes them). */
const DEAD_AFTER_MS = 60 * 60_000;

function sweepDeadSaves(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (!/^(\..*|index\.json)\.\d+\.tmp(\.[a-z.]+)?$/.test(name)) continue;
    const file = path.join(dir, name);
    const age = Date.now() - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > DEAD_AFTER_MS) {
      rmSync(file, { force: true });
      core.info(logText(`Removed ${file}, left by a save of the cache that stopped more than an hour ago.`));
    }
  }
}

export class LocalCacheBackend implements CacheBackend {
  readonly kind = 'local' as const;
  readonly description: string;
  private compression: 'zstd' | 'gzip' | null = null;

  constructor(
    readonly dir: string,
    readonly scope: LocalRefScope = LOCAL_SCOPE,
  ) {
    this.description = `local directory ${dir}`;
  }

  /** The scope an entry was saved in (entries from before scopes: the default branch). */
  private scopeOf(e: LocalEntry): string | null {
    return e.scope ?? this.scope.defaultRef;
  }

  /** What this run may restore: its own scope's entries and the default branch's. */
  private visible(e: LocalEntry): boolean {
    const s = this.scopeOf(e);
    return e.scope === undefined || s === this.scope.ref || s === this.scope.defaultRef;
  }

  /** What this run may delete: only what its own scope saved. */
  private owned(e: LocalEntry): boolean {
    return this.scopeOf(e) === this.scope.ref;
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
        core.warning(
          `The local cache entry ${name} in ${this.dir} is damaged (${(e as Error).message}); it is ignored.`,
        );
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
      if (!known.has(e.file) && existsSync(path.join(this.dir, e.file)))
        writeFileSync(path.join(this.dir, `${e.file}${META}`), JSON.stringify(e));
    }
    if (listed === null || listed.length !== this.entries().length) {
      withDirectoryLock(this.dir, () => this.writeIndex());
      core.info(INDEX_REBUILT(this.indexFile(), listed === null));
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
    const version = pathsVersion(paths);
    const visible = this.entries().filter((e) => this.visible(e));
    // GitHub's order: the whole search among the run's own entries, then the default branch's.
    const own = visible.filter((e) => this.owned(e));
    const others = visible.filter((e) => !this.owned(e));
    return matchEntry(own, version, primaryKey, restoreKeys) ?? matchEntry(others, version, primaryKey, restoreKeys);
  }

  lookup(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<string | undefined> {
    return Promise.resolve(this.find(paths, primaryKey, restoreKeys)?.key);
  }

  exists(paths: string[], key: string): Promise<boolean> {
    return Promise.resolve(this.find(paths, key, [])?.key === key);
  }

  async restore(paths: string[], primaryKey: string, restoreKeys: string[]): Promise<RestoreResult | undefined> {
    const hit = this.find(paths, primaryKey, restoreKeys);
    if (!hit) return undefined;
    const archive = path.join(this.dir, hit.file);
    const problems = (await listMembers(archive))
      .map((m) => unsafeMember(m, paths))
      .filter((p): p is string => p !== null);
    if (problems.length) {
      core.warning(UNSAFE_ARCHIVE(archive, problems));
      return undefined;
    }
    const r = await capture('tar', ['-x', hit.file.endsWith('.zst') ? '--zstd' : '-z', '-f', archive, '-C', '/', '-P']);
    if (r.code !== 0) throw new Error(`tar could not extract ${archive}: ${r.stderr.trim()}`);
    return { matchedKey: hit.key, archiveBytes: hit.sizeBytes };
  }

  async save(paths: string[], key: string, options: SaveOptions = {}): Promise<SaveResult> {
    const existing = paths.filter((p) => existsSync(p));
    if (existing.length === 0) return { saved: false, archiveBytes: null, reason: 'none of the cache paths exist' };
    mkdirSync(this.dir, { recursive: true });
    const compression = await this.tarCompression();
    const file = `${safeName(key, this.scope.ref)}.tar.${compression === 'zstd' ? 'zst' : 'gz'}`;
    const tmp = path.join(this.dir, `.${file}.${process.pid}.tmp`);
    // Absolute member names (-P) so the archive restores to the same places, like @actions/cache.
    const exclude = await excludeArgs(`${tmp}.exclude`, options.exclude ?? []);
    const r = await writeArchive(tmp, [
      '-c',
      '--format=pax',
      compression === 'zstd' ? '--zstd' : '-z',
      '-f',
      tmp,
      '-P',
      ...exclude,
      ...existing,
    ]);
    rmSync(`${tmp}.exclude`, { force: true });
    if (r.code !== 0) {
      rmSync(tmp, { force: true });
      throw new Error(`tar could not write the cache archive: ${r.stderr.trim()}`);
    }
    const sizeBytes = statSync(tmp).size;
    const entry: LocalEntry = {
      key,
      version: pathsVersion(paths),
      file,
      createdAt: Date.now(),
      sizeBytes,
      scope: this.scope.ref,
    };
    withDirectoryLock(this.dir, () => {
      sweepDeadSaves(this.dir);
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
    this.drop(this.entries().filter((e) => e.key === key && this.owned(e)));
    return Promise.resolve();
  }

  /** Deletes this scope's entries whose key starts with the prefix, except the one just saved. */
  prune(scope: PruneScope): Promise<PruneResult> {
    const gone = this.entries().filter(
      (e) => this.owned(e) && e.key.startsWith(scope.prefix) && e.key !== scope.keepKey,
    );
    this.drop(gone);
    return Promise.resolve({ deleted: gone.length, keptEntryBytes: null });
  }
}

let tarIsGnu: Promise<boolean> | null = null;

/**
 * tar arguments that leave `paths` (and what is under them) out, through a list file: GNU tar
 * matches them literally from the start of the member name; bsdtar (macOS) matches patterns,
 * so its metacharacters are escaped. A path with a line break cannot be listed: it is saved.
 */
async function excludeArgs(listFile: string, paths: readonly string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const listed = paths.filter((p) => !/[\r\n]/.test(p));
  const unlisted = paths.length - listed.length;
  if (unlisted)
    core.warning(
      `${unlisted} path(s) with a line break in their name cannot be left out of the cache archive; they are saved.`,
    );
  tarIsGnu ??= capture('tar', ['--version']).then((r) => r.stdout.includes('GNU tar'));
  const gnu = await tarIsGnu.catch(() => false);
  writeFileSync(listFile, listed.map((p) => (gnu ? p : p.replace(/[\\*?[]/g, '\\$&'))).join('\n') + '\n');
  return gnu ? ['--anchored', '--no-wildcards', '-X', listFile] : ['-X', listFile];
}

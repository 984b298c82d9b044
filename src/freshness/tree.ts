// What the working tree holds, as cargo will read it: tracked regular files with their stamps
// (and, on request, the SHA-256 of their bytes), tracked symbolic links with their text, and the
// paths that can never be proven. Git is asked only for the list of paths; identity is always
// the bytes on disk, never the index (filters, eol attributes, `assume-unchanged`, LFS pointers).
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { capture } from '../proc.js';
import type { FileStamp, TrackedFile } from './manifest.js';

export interface WorkingTree {
  /** Tracked paths that are regular files on disk (hash not read yet). */
  files: TrackedFile[];
  /** Tracked paths that are symbolic links on disk: path → link text. */
  links: Map<string, string>;
  /** Never proven: flagged in the index (`assume-unchanged`, `skip-worktree`, …). */
  unprovable: Set<string>;
  /** Tracked paths reached through a symbolic link that replaced a directory: never touched. */
  throughLinks: string[];
}

async function gitOk(args: string[], gitRoot: string, env: NodeJS.ProcessEnv): Promise<string> {
  const r = await capture('git', args, { cwd: gitRoot, env });
  if (r.code !== 0) throw new Error(`git ${args[0]} failed: ${r.stderr.trim().split('\n').at(-1) ?? ''}`);
  return r.stdout;
}

const splitZ = (text: string) => text.split('\0').filter(Boolean);

/** The path with its links resolved (macOS temp dirs live under /private/var, reached as /var). */
const resolved = (p: string, pathApi: path.PlatformPath) => {
  try {
    return pathApi === path ? realpathSync(p) : p;
  } catch {
    return p;
  }
};

/** Pathspecs that leave out the given directories (those inside the repository), in git's `/` form. */
export function excluding(gitRoot: string, dirs: readonly string[], pathApi: path.PlatformPath = path): string[] {
  const root = resolved(gitRoot, pathApi);
  const inside = dirs
    .map((d) => pathApi.relative(root, resolved(d, pathApi)))
    .filter((rel) => rel && !rel.startsWith('..') && !pathApi.isAbsolute(rel));
  return inside.length ? ['--', '.', ...inside.map((rel) => `:(exclude,top)${rel.split(pathApi.sep).join('/')}`)] : [];
}

export const stampOf = (s: { size: bigint; mtimeNs: bigint; ctimeNs: bigint }): FileStamp => ({
  size: Number(s.size),
  mtimeNs: s.mtimeNs,
  ctimeNs: s.ctimeNs,
});

/** True when a directory on the way to `rel` is a symbolic link (cached per directory). */
function makeParentCheck(gitRoot: string): (rel: string) => boolean {
  const linked = new Map<string, boolean>();
  const isLinked = (dir: string): boolean => {
    if (dir === '.' || dir === '') return false;
    let known = linked.get(dir);
    if (known === undefined) {
      known =
        isLinked(path.posix.dirname(dir)) ||
        lstatSync(path.join(gitRoot, dir), { throwIfNoEntry: false })?.isSymbolicLink() === true;
      linked.set(dir, known);
    }
    return known;
  };
  return (rel) => isLinked(path.posix.dirname(rel));
}

/** Files larger than this are not read: they stay unproven (compiled, never stale). */
const MAX_HASHED_BYTES = 256 * 1024 * 1024;

/** SHA-256 of a file's bytes (base64), or null when it cannot be read. */
export function hashFile(file: string): string | null {
  try {
    if (statSync(file).size > MAX_HASHED_BYTES) return null;
    return createHash('sha256').update(readFileSync(file)).digest('base64');
  } catch {
    return null;
  }
}

const ENTRY = /^(\S) (\d{6}) [0-9a-f]+ (\d)\t(.+)$/s;

/** Lists the tracked paths (leaving out cargo's directories) and looks at each on disk. */
export async function readWorkingTree(
  gitRoot: string,
  env: NodeJS.ProcessEnv,
  cargoDirs: readonly string[],
): Promise<WorkingTree> {
  const tree: WorkingTree = { files: [], links: new Map(), unprovable: new Set(), throughLinks: [] };
  const throughLink = makeParentCheck(gitRoot);
  for (const line of splitZ(
    await gitOk(['ls-files', '-s', '-v', '-z', ...excluding(gitRoot, cargoDirs)], gitRoot, env),
  )) {
    const m = ENTRY.exec(line);
    // Submodules and conflicted entries are never proven; cargo reads them as they are.
    if (!m || m[2] === '160000' || m[3] !== '0') continue;
    const [tag, rel] = [m[1]!, m[4]!];
    if (throughLink(rel)) {
      tree.throughLinks.push(rel);
      continue;
    }
    if (tag !== 'H') tree.unprovable.add(rel);
    const abs = path.join(gitRoot, rel);
    const stat = lstatSync(abs, { bigint: true, throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) tree.links.set(rel, readlinkSync(abs));
    else if (stat?.isFile()) tree.files.push({ path: rel, hash: null, ...stampOf(stat) });
  }
  return tree;
}

/**
 * The tracked files a link now leads to (a file, or every tracked file under a directory), or
 * null when it leads out of the repository, where nothing can be proven or touched.
 */
export function reachedThrough(gitRoot: string, link: string, tracked: readonly TrackedFile[]): string[] | null {
  let target: string;
  try {
    target = realpathSync(path.join(gitRoot, link));
  } catch {
    return []; // A dangling link: cargo cannot read through it.
  }
  const rel = path.relative(realpathSync(gitRoot), target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const posix = rel.split(path.sep).join('/');
  return tracked.filter((f) => f.path === posix || f.path.startsWith(`${posix}/`)).map((f) => f.path);
}

/** Untracked, unignored files (new files of the change, generated inputs), never in cargo's directories. */
export async function untrackedFiles(
  gitRoot: string,
  env: NodeJS.ProcessEnv,
  cargoDirs: readonly string[],
): Promise<Array<{ path: string; mtimeNs: bigint }>> {
  const out: Array<{ path: string; mtimeNs: bigint }> = [];
  for (const p of splitZ(
    await gitOk(['ls-files', '--others', '--exclude-standard', '-z', ...excluding(gitRoot, cargoDirs)], gitRoot, env),
  )) {
    const stat = lstatSync(path.join(gitRoot, p), { bigint: true, throwIfNoEntry: false });
    if (stat?.isFile()) out.push({ path: p, mtimeNs: stat.mtimeNs });
  }
  return out;
}

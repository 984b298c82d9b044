// What `cargo metadata` says about the workspace: root, members (and the local packages they
// reach by path), manifests, the real target directory (CARGO_TARGET_DIR, build.target-dir;
// `--target-dir` in cargo-args wins) and the build directory where intermediate artifacts live
// (build.build-dir; the target dir by default).
import path from 'node:path';
import { InputError } from './config.js';
import { capture } from './proc.js';

const UNREADABLE_WORKSPACE = (cwd: string, cargoSays: string) =>
  `Input 'working-directory' is ${cwd}, where cargo cannot read the workspace: ${cargoSays}. ` +
  "Point 'working-directory' at the directory of the workspace's Cargo.toml, " +
  'and fix the manifest if cargo names an error in it.';

export interface WorkspaceInfo {
  root: string;
  targetDirectory: string;
  /** Where deps/, build/ and .fingerprint/ live: `build.build-dir` when set, else the target directory. */
  buildDirectory: string;
  /** Member package names (`cargo metadata`'s workspace members). */
  members: Set<string>;
  /**
   * The crates that are yours, as known before the build: the members and the path dependencies
   * they declare. After a build, the record's `workspaceMembers` is the exact set: the local path
   * packages that build compiled (timings/messages.ts `localPackagesOf`).
   */
  localPackages: Set<string>;
  /** Absolute manifest paths of the members. */
  memberManifests: string[];
}

export function targetDirFromArgs(args: string[]): string | null {
  let dir: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--target-dir' && i + 1 < args.length) dir = args[i + 1]!;
    else if (args[i]!.startsWith('--target-dir=')) dir = args[i]!.slice('--target-dir='.length);
  }
  return dir;
}

/** `--config` arguments, which change where cargo puts things exactly as they change the build. */
export function configArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--config' && i + 1 < args.length) out.push('--config', args[++i]!);
    else if (args[i]!.startsWith('--config=')) out.push(args[i]!);
  }
  return out;
}

export async function workspaceInfo(
  cwd: string,
  env: NodeJS.ProcessEnv,
  cargoArgs: string[] = [],
): Promise<WorkspaceInfo> {
  const r = await capture(
    'cargo',
    ['metadata', '--no-deps', '--format-version', '1', '--offline', ...configArgs(cargoArgs)],
    { cwd, env },
  );
  if (r.code !== 0) {
    throw new InputError(UNREADABLE_WORKSPACE(cwd, r.stderr.trim().split('\n').slice(-3).join(' ')));
  }
  const meta = JSON.parse(r.stdout) as {
    target_directory: string;
    /** Since cargo 1.91; equals target_directory unless build.build-dir is set. */
    build_directory?: string;
    workspace_root: string;
    workspace_members: string[];
    packages: Array<{
      id: string;
      name: string;
      manifest_path: string;
      dependencies?: Array<{ name: string; path?: string }>;
    }>;
  };
  const memberIds = new Set(meta.workspace_members);
  const members = meta.packages.filter((p) => memberIds.has(p.id));
  const explicit = targetDirFromArgs(cargoArgs);
  const targetDirectory = explicit ? path.resolve(cwd, explicit) : meta.target_directory;
  const separateBuildDir = meta.build_directory && meta.build_directory !== meta.target_directory;
  return {
    root: meta.workspace_root,
    targetDirectory,
    buildDirectory: separateBuildDir ? meta.build_directory! : targetDirectory,
    members: new Set(members.map((p) => p.name)),
    localPackages: new Set([
      ...members.map((p) => p.name),
      ...members.flatMap((p) => (p.dependencies ?? []).filter((d) => d.path).map((d) => d.name)),
    ]),
    memberManifests: members.map((p) => p.manifest_path),
  };
}

interface ResolvedMetadata {
  packages: Array<{ id: string; name: string; source: string | null }>;
  resolve: {
    nodes: Array<{ id: string; deps?: Array<{ pkg: string; dep_kinds?: Array<{ kind: string | null }> }> }>;
  } | null;
}

/**
 * Each local path package's local path dependencies (normal and build; dev-dependencies do not reach its code), by
 * name. Pure.
 */
export function localDependencyGraph(meta: ResolvedMetadata): Map<string, string[]> | null {
  if (!meta.resolve) return null;
  const local = new Map(meta.packages.filter((p) => p.source === null).map((p) => [p.id, p.name]));
  const graph = new Map<string, string[]>();
  for (const node of meta.resolve.nodes) {
    const name = local.get(node.id);
    if (name === undefined) continue;
    const reaches = (d: { dep_kinds?: Array<{ kind: string | null }> }) =>
      (d.dep_kinds ?? [{ kind: null }]).some((k) => k.kind !== 'dev');
    const deps = (node.deps ?? []).filter((d) => local.has(d.pkg) && reaches(d)).map((d) => local.get(d.pkg)!);
    graph.set(name, [...new Set(deps)].sort());
  }
  return graph;
}

/**
 * The local dependency graph from cargo's resolve (offline: after a build, the lockfile and the
 * sources are there), or null when cargo cannot give it: then fingerprints stay per crate.
 */
export async function localDependencies(cwd: string, env: NodeJS.ProcessEnv): Promise<Map<string, string[]> | null> {
  const r = await capture('cargo', ['metadata', '--format-version', '1', '--offline'], { cwd, env }).catch(() => null);
  if (!r || r.code !== 0) return null;
  try {
    return localDependencyGraph(JSON.parse(r.stdout) as ResolvedMetadata);
  } catch {
    return null;
  }
}

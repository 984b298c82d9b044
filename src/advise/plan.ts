// The advisor's plan, pure: which crate the warm rebuild edits and how, which of cargo's files are
// the final artifacts whose size counts, the rotating order of each round, and whether the budget
// has room for another round.

/** What `cargo metadata` says of a package (the fields used here). */
export interface MetadataPackage {
  id: string;
  name: string;
  source: string | null;
  manifest_path: string;
  targets: Array<{ kind: string[]; src_path: string }>;
  dependencies: Array<{ name: string; path?: string; kind?: string | null }>;
}

const LIBRARY_KINDS = new Set(['lib', 'rlib', 'dylib', 'cdylib', 'staticlib', 'proc-macro']);

/** The file rustc starts from for a package: its library's root, else its first binary's. */
function rootFile(p: MetadataPackage): string | null {
  const lib = p.targets.find((t) => t.kind.some((k) => LIBRARY_KINDS.has(k)));
  return (lib ?? p.targets.find((t) => t.kind.includes('bin')))?.src_path ?? null;
}

/**
 * The crate whose edit the warm rebuild follows: a member the build covers (`built`; empty: any)
 * that no other member depends on (editing it recompiles only itself), the one with the most local
 * dependencies (the top of the workspace), then by name. Null when no member has a root file.
 */
export function chooseLeaf(
  packages: MetadataPackage[],
  memberIds: ReadonlySet<string>,
  built: ReadonlySet<string>,
): { crate: string; file: string } | null {
  const members = packages.filter((p) => memberIds.has(p.id) && (built.size === 0 || built.has(p.name)));
  const local = (p: MetadataPackage) => p.dependencies.filter((d) => d.path !== undefined && d.kind !== 'dev');
  const used = new Set(members.flatMap((p) => local(p).map((d) => d.name)));
  const order = (a: MetadataPackage, b: MetadataPackage) =>
    local(b).length - local(a).length || a.name.localeCompare(b.name);
  const leaves = members.filter((p) => !used.has(p.name)).sort(order);
  for (const p of [...leaves, ...members.filter((m) => used.has(m.name)).sort(order)]) {
    const file = rootFile(p);
    if (file) return { crate: p.name, file };
  }
  return null;
}

/**
 * A one-line edit at the end of a crate's root file: an unnamed constant, which every edition
 * accepts, no lint warns about, and which makes rustc compile the crate again.
 */
export function editedText(original: string, n: number): string {
  const newline = original === '' || original.endsWith('\n') ? '' : '\n';
  return `${original}${newline}const _: u32 = ${n}; // Watchmaker's profile advice: the edit before a warm rebuild\n`;
}

/** Folders in the profile's output directory that hold intermediate files, not the final artifacts. */
const INTERMEDIATE = new Set(['deps', 'build', 'examples', 'incremental', '.fingerprint']);
/** Final artifacts: executables (no extension, .exe, .wasm), shared and static libraries, Rust libraries. */
const FINAL = /(^[^.]+|\.(exe|wasm|so|dylib|dll|a|lib|rlib))$/;

/**
 * The final artifacts among the files cargo reported: those cargo put in the profile's output
 * directory (`<target>/[<triple>/]<profile>/`) rather than in deps/; executables and linked
 * libraries when there are any, else the Rust libraries (a workspace of libraries only).
 */
export function finalArtifacts(files: readonly string[], targetDir: string, sep = '/'): string[] {
  const prefix = targetDir.endsWith(sep) ? targetDir : `${targetDir}${sep}`;
  const finals = files.filter((f) => {
    if (!f.startsWith(prefix)) return false;
    const parts = f.slice(prefix.length).split(sep);
    const name = parts.at(-1)!;
    return (parts.length === 2 || parts.length === 3) && !INTERMEDIATE.has(parts.at(-2)!) && FINAL.test(name);
  });
  const linked = finals.filter((f) => !f.endsWith('.rlib'));
  return [...new Set(linked.length ? linked : finals)].sort();
}

/** Round `round`'s order of the configurations (0: the current settings): rotated by one each round. */
export function rotation(count: number, round: number): number[] {
  const shift = round % Math.max(count, 1);
  return Array.from({ length: count }, (_, i) => (i + shift) % count);
}

/** Another round fits when the last one, taken again, ends within the budget. */
export const roomForRound = (elapsedSeconds: number, lastRoundSeconds: number, budgetSeconds: number) =>
  elapsedSeconds + lastRoundSeconds <= budgetSeconds;

/**
 * cargo-args for one configuration: the user's without `--target-dir` (each configuration builds in
 * a directory of its own), then `ours`, before any `--` (what follows it goes to rustc), so that
 * our `--config` values come after the user's and win.
 */
export function configuredArgs(cargoArgs: readonly string[], ours: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < cargoArgs.length; i++) {
    if (cargoArgs[i] === '--') return [...out, ...ours, ...cargoArgs.slice(i)];
    if (cargoArgs[i] === '--target-dir') i++;
    else if (!cargoArgs[i]!.startsWith('--target-dir=')) out.push(cargoArgs[i]!);
  }
  return [...out, ...ours];
}

// What rustc is in use: `rustc -vV` (release, commit, host) and `rustc --print cfg`.
// Parsing is pure; probing runs rustc the way cargo would (RUSTC env or PATH).
import { captureOk } from './proc.js';

export interface RustcVersion {
  release: string;
  commitHash: string | null;
  commitDate: string | null;
  host: string;
  llvm: string | null;
  /** The full `rustc -vV` text, hashed into the cache key. */
  raw: string;
}

export function parseRustcVersion(text: string): RustcVersion {
  const field = (name: string): string | null => {
    const m = new RegExp(`^${name}: (.+)$`, 'm').exec(text);
    return m ? m[1]!.trim() : null;
  };
  const release = field('release');
  const host = field('host');
  if (!release || !host) throw new Error(`Could not read 'release' and 'host' from rustc -vV output:\n${text}`);
  return {
    release,
    host,
    commitHash: field('commit-hash'),
    commitDate: field('commit-date'),
    llvm: field('LLVM version'),
    raw: text.trim(),
  };
}

/** `rustc --print cfg` lines → [name, value|null] pairs, e.g. target_feature="sse2" → ["target_feature","sse2"]. */
export type CfgSet = Array<[string, string | null]>;

export function parseCfg(text: string): CfgSet {
  const out: CfgSet = [];
  for (const line of text.split('\n')) {
    const l = line.trim();
    if (!l) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:="(.*)")?$/.exec(l);
    if (m) out.push([m[1]!, m[2] ?? null]);
  }
  return out;
}

export function rustcCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUSTC || 'rustc';
}

export async function probeRustcVersion(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<RustcVersion> {
  return parseRustcVersion(await captureOk(rustcCommand(env), ['-vV'], { cwd, env }));
}

export async function probeCfg(
  cwd: string,
  flags: string[],
  target: string | null,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CfgSet> {
  const args = [...flags, '--print', 'cfg', ...(target ? ['--target', target] : [])];
  return parseCfg(await captureOk(rustcCommand(env), args, { cwd, env }));
}

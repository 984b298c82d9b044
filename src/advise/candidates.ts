// The candidate settings for a profile, from its effective settings (src/cache/profile.ts resolves
// them as cargo does), and how each is applied without touching the user's files: cargo's
// `--config` arguments for the builds (they override Cargo.toml and config files), and
// CARGO_PROFILE_<NAME>_<KEY> variables for the advise-run command (a user's command cannot take
// our arguments). Only the well-known levers; never target-cpu or anything not measured. Pure.
import type { ProfileSources, ProfileTable } from '../cache/profile.js';
import { codegenSettings } from '../guard/flags.js';
import type { AdviceMetric, Candidate, ProfileKind, Setting, SettingValue, Skipped } from './model.js';

export interface CandidateInput {
  profile: string;
  kind: ProfileKind;
  /** resolveProfileSettings(profile, …): normalized (debug = true is 2, strip = true is "symbols"). */
  effective: ProfileTable;
  /** The target triple the build compiles for. */
  triple: string;
  /** The build compiles packages from a registry or git: without any, optimised dependencies change nothing. */
  hasDependencies: boolean;
  env: NodeJS.ProcessEnv;
  /** The effective RUSTFLAGS words: a `-C` option there overrides the profile's setting of it. */
  rustflags: string[];
}

/** A candidate, or why its lever is left out. */
type Lever = Candidate | { why: string };

/** Which rustc `-C` option each profile key becomes (RUSTFLAGS options of the same name come after it and win). */
const RUSTC_OPTION: Record<string, string> = {
  debug: 'debuginfo',
  'split-debuginfo': 'split_debuginfo',
  'codegen-units': 'codegen_units',
  lto: 'lto',
  strip: 'strip',
  'opt-level': 'opt_level',
  incremental: 'incremental',
};

const COST_OF_BUILDING: AdviceMetric[] = ['cold', 'coldCpu', 'warm', 'memory'];
const COST_OF_CODE: AdviceMetric[] = ['size', 'runtime'];

/** The profile's own table, and its `package."*"` table. */
const own = (profile: string) => ['profile', profile];
const anyPackage = (profile: string) => ['profile', profile, 'package', '*'];

function candidate(
  profile: string,
  id: string,
  setting: [string, SettingValue, string[]?],
  costs: AdviceMetric[],
  note: string | null,
): Candidate {
  const [key, value, table] = setting;
  // A package table's setting is named with its table: `[profile.dev.package."*"] opt-level = 1`.
  const label = table ? `[${table.map(tomlKey).join('.')}] ${settingText(key, value)}` : settingText(key, value);
  return { id, label, settings: [{ table: table ?? own(profile), key, value }], costs, note };
}

const skip = (why: string) => ({ why });

/** A setting as Cargo.toml writes it: `debug = "line-tables-only"`. */
export function settingText(key: string, value: SettingValue): string {
  return `${key} = ${tomlValue(value)}`;
}

const tomlValue = (value: SettingValue) => (typeof value === 'string' ? JSON.stringify(value) : String(value));
const tomlKey = (segment: string) => (/^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment));

/** `--config` arguments for the settings: `profile.dev.package."*".opt-level=1`. */
export function configArgs(settings: readonly Setting[]): string[] {
  return settings.flatMap((s) => ['--config', `${[...s.table, s.key].map(tomlKey).join('.')}=${tomlValue(s.value)}`]);
}

/**
 * The same settings as CARGO_PROFILE_<NAME>_<KEY> variables, for a command of the user's; null when one of them has no
 * variable (cargo reads none for `package` tables).
 */
export function profileEnv(settings: readonly Setting[]): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const s of settings) {
    if (s.table.length !== 2 || s.table[0] !== 'profile') return null;
    const name = (text: string) => text.toUpperCase().replace(/-/g, '_');
    out[`CARGO_PROFILE_${name(s.table[1]!)}_${name(s.key)}`] = String(s.value);
  }
  return out;
}

/** The settings as Cargo.toml tables, in order of first use; a later value of a key replaces an earlier one. */
export function tomlSnippet(settings: readonly Setting[]): string {
  const tables = new Map<string, Map<string, SettingValue>>();
  for (const s of settings) {
    const header = s.table.map(tomlKey).join('.');
    if (!tables.has(header)) tables.set(header, new Map());
    tables.get(header)!.set(s.key, s.value);
  }
  return [...tables]
    .map(([header, keys]) => [`[${header}]`, ...[...keys].map(([k, v]) => settingText(k, v))].join('\n'))
    .join('\n\n');
}

/** Dev-like or release-like: the built-in profile at the root of its `inherits` chain, else by its opt-level. */
export function profileKind(profile: string, sources: ProfileSources, effective: ProfileTable): ProfileKind {
  const seen = new Set<string>();
  for (let name: string | null = profile; name !== null && !seen.has(name); name = inheritsOf(name, sources)) {
    if (name === 'dev' || name === 'test') return 'dev';
    if (name === 'release' || name === 'bench') return 'release';
    seen.add(name);
  }
  return effective['opt-level'] === '0' ? 'dev' : 'release';
}

/** A custom profile's `inherits`, from the source cargo reads it from first. */
function inheritsOf(name: string, sources: ProfileSources): string | null {
  const envValue = sources.env[`CARGO_PROFILE_${name.toUpperCase().replace(/-/g, '_')}_INHERITS`];
  const fromData = (data: Record<string, unknown> | null | undefined): unknown => {
    const profiles = data?.profile as Record<string, Record<string, unknown> | undefined> | undefined;
    return profiles?.[name]?.inherits;
  };
  const cli = sources.cargoConfig.filter((f) => f.cli).map((f) => fromData(f.data));
  const files = sources.cargoConfig.filter((f) => !f.cli).map((f) => fromData(f.data));
  const found = [...cli, envValue, ...files, fromData(sources.manifest)].find((v) => typeof v === 'string');
  return typeof found === 'string' ? found : null;
}

/** The candidates for the profile, and the levers left out with why. */
export function candidatesFor(input: CandidateInput): { candidates: Candidate[]; skipped: Skipped[] } {
  const levers = input.kind === 'dev' ? devLevers(input) : releaseLevers(input);
  const overridden = new Set(
    codegenSettings(input.rustflags.map((flag) => ({ flag, origin: { kind: 'env' as const, name: 'RUSTFLAGS' } }))).map(
      (c) => c.key,
    ),
  );
  const candidates: Candidate[] = [];
  const skipped: Skipped[] = [];
  for (const [id, label, lever] of levers) {
    if (!('settings' in lever)) {
      skipped.push({ id, label, why: lever.why });
      continue;
    }
    const clash = lever.settings.map((s) => RUSTC_OPTION[s.key]).find((o) => o !== undefined && overridden.has(o));
    if (clash) skipped.push({ id, label, why: `RUSTFLAGS sets -C ${clash.replace(/_/g, '-')}, which overrides it` });
    else candidates.push(lever);
  }
  return { candidates, skipped };
}

type LeverEntry = [id: string, label: string, lever: Lever];

/** A lever under its candidate's id and label: the candidate itself, or why it is left out. */
const entry = (lever: Lever, c: Candidate): LeverEntry => [c.id, c.label, lever];

function devLevers(input: CandidateInput): LeverEntry[] {
  const { profile, effective } = input;
  const debug = effective.debug;
  const lessDebug = debug === 0 || debug === 'line-tables-only' || debug === 'line-directives-only';
  const tables = candidate(
    profile,
    'debug-line-tables-only',
    ['debug', 'line-tables-only'],
    [],
    'debuggers show no variables or types; backtraces keep files and lines',
  );
  const none = candidate(
    profile,
    'debug-0',
    ['debug', 0],
    [],
    'no debug info: debuggers and backtraces lose files and lines',
  );
  return [
    entry(
      lessDebug
        ? skip(`the profile keeps less debug info already (${settingText('debug', debug as SettingValue)})`)
        : tables,
      tables,
    ),
    entry(debug === 0 ? skip('equal to the current setting') : none, none),
    splitDebuginfo(input),
    optimisedDependencies(input),
    codegenUnits(input, effective['codegen-units'] as number, 'dev'),
    incrementalOff(input),
  ];
}

/** Debug info left in the object files instead of linked into the binary (rustc supports it on Linux and macOS). */
function splitDebuginfo(input: CandidateInput): LeverEntry {
  const { profile, effective, triple } = input;
  const c = candidate(
    profile,
    'split-debuginfo-unpacked',
    ['split-debuginfo', 'unpacked'],
    [],
    'debug info stays in files beside the objects in target/: debuggers find it, a copied binary alone has none',
  );
  const apple = triple.includes('-apple-');
  const current = effective['split-debuginfo'] ?? (apple ? 'unpacked' : 'off');
  if (!triple.includes('-linux-') && !apple)
    return entry(skip(`rustc supports it only on Linux and macOS, not on ${triple}`), c);
  if (effective.debug === 0) return entry(skip('the profile has no debug info to split (debug = 0)'), c);
  return entry(current === 'unpacked' ? skip('equal to the current setting') : c, c);
}

function optimisedDependencies(input: CandidateInput): LeverEntry {
  const { profile, effective } = input;
  const c = candidate(
    profile,
    'dependencies-opt-level-1',
    ['opt-level', 1, anyPackage(profile)],
    ['cold', 'coldCpu', 'memory', 'size'],
    'dependencies compile with optimisation: a longer cold build for faster tests and runs (runtime: see advise-run)',
  );
  const packages = (effective.package ?? {}) as Record<string, ProfileTable | undefined>;
  const current = packages['*']?.['opt-level'];
  if (!input.hasDependencies) return entry(skip('the workspace has no dependencies from a registry or git'), c);
  if (effective['opt-level'] !== '0')
    return entry(skip(`the profile optimises every crate already (opt-level = ${String(effective['opt-level'])})`), c);
  return entry(
    current !== undefined && current !== '0'
      ? skip(`dependencies are optimised already (opt-level = ${String(current)})`)
      : c,
    c,
  );
}

/** Dev: fewer units than the default 256 (16), or the default back; release: 1 for better code, or 16 back from 1. */
function codegenUnits(input: CandidateInput, current: number, kind: ProfileKind): LeverEntry {
  const target = kind === 'dev' ? (current > 16 ? 16 : 256) : current === 1 ? 16 : 1;
  const better = target < current;
  const note = better
    ? 'fewer code generation units: less parallel code generation, better optimised code'
    : 'more code generation units: more parallel code generation, less optimised code';
  const costs = kind === 'release' ? (better ? COST_OF_BUILDING : COST_OF_CODE) : [];
  const c = candidate(input.profile, `codegen-units-${target}`, ['codegen-units', target], costs, note);
  return entry(c, c);
}

function incrementalOff(input: CandidateInput): LeverEntry {
  const c = candidate(
    input.profile,
    'incremental-false',
    ['incremental', false],
    [],
    'no incremental cache in target/ (smaller, and nothing to gain in CI from a fresh checkout)',
  );
  const variable = input.env.CARGO_INCREMENTAL;
  if (variable !== undefined)
    return entry(skip(`CARGO_INCREMENTAL=${variable} in the environment overrides the profile's setting`), c);
  return entry(input.effective.incremental === false ? skip('equal to the current setting') : c, c);
}

function releaseLevers(input: CandidateInput): LeverEntry[] {
  const { profile, effective } = input;
  const lto = effective.lto;
  const ltoLever = (value: false | 'thin' | 'fat'): LeverEntry => {
    const off = value === false;
    const c = candidate(
      profile,
      `lto-${String(value)}`,
      ['lto', value],
      off ? COST_OF_CODE : COST_OF_BUILDING,
      off
        ? 'no link-time optimisation across crates: the code may run slower (runtime: see advise-run)'
        : 'link-time optimisation across crates: longer builds for faster, smaller code (runtime: see advise-run)',
    );
    return entry(lto === value ? skip('equal to the current setting') : c, c);
  };
  const strip = candidate(
    profile,
    'strip-true',
    ['strip', true],
    [],
    'no symbol names: backtraces and profilers show addresses',
  );
  return [
    ltoLever(false),
    ltoLever('thin'),
    ltoLever('fat'),
    codegenUnits(input, effective['codegen-units'] as number, 'release'),
    entry(effective.strip === 'symbols' ? skip('equal to the current setting') : strip, strip),
  ];
}

// The effective settings of the profile being built, resolved as cargo resolves them, so the
// cache key's scope changes exactly when what the profile compiles changes (an opt-level edit
// must never restore entries built with the old one). Pure.
//
// Sources, lowest precedence first: built-in defaults, `[profile.<name>]` of the workspace root's
// Cargo.toml, the same table in cargo config files ($CARGO_HOME first, the working directory
// last), CARGO_PROFILE_<NAME>_<KEY> variables, then `--config` arguments. `inherits` chains are
// followed to dev or release; `package` and `build-override` tables are merged like the rest.
import type { CargoConfigFile } from '../cargo-config.js';

export type ProfileTable = Record<string, unknown>;

const DEV: ProfileTable = {
  'opt-level': '0',
  debug: 2,
  'debug-assertions': true,
  'overflow-checks': true,
  lto: false,
  panic: 'unwind',
  incremental: true,
  'codegen-units': 256,
  rpath: false,
  strip: 'none',
};
const RELEASE: ProfileTable = {
  'opt-level': '3',
  debug: 0,
  'debug-assertions': false,
  'overflow-checks': false,
  lto: false,
  panic: 'unwind',
  incremental: false,
  'codegen-units': 16,
  rpath: false,
  strip: 'none',
};
const BUILT_IN: Record<string, { inherits: string | null; table: ProfileTable }> = {
  dev: { inherits: null, table: DEV },
  release: { inherits: null, table: RELEASE },
  test: { inherits: 'dev', table: {} },
  bench: { inherits: 'release', table: {} },
};

/** Keys whose spellings mean the same to cargo, made one (debug = true is debug = 2). */
function normalizeValue(key: string, value: unknown): unknown {
  if (key === 'opt-level') return String(value);
  if (key === 'debug')
    return value === true || value === 'full'
      ? 2
      : value === false || value === 'none'
        ? 0
        : value === 'limited'
          ? 1
          : value;
  if (key === 'strip') return value === true ? 'symbols' : value === false ? 'none' : value;
  if (key === 'lto') return value === 'off' ? 'off' : value === true ? 'fat' : value;
  return value;
}

function isTable(v: unknown): v is ProfileTable {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge: `over` wins; nested tables (package."*", build-override) merge key by key. */
function merge(base: ProfileTable, over: ProfileTable): ProfileTable {
  const out: ProfileTable = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isTable(v) && isTable(out[k]) ? merge(out[k], v) : v;
  return out;
}

function normalize(table: ProfileTable): ProfileTable {
  return Object.fromEntries(
    Object.keys(table)
      .sort()
      .map((k) => [k, isTable(table[k]) ? normalize(table[k]) : normalizeValue(k, table[k])]),
  );
}

const envName = (profile: string) => `CARGO_PROFILE_${profile.toUpperCase().replace(/-/g, '_')}_`;

/** CARGO_PROFILE_<NAME>_<KEY> variables as a table (`OPT_LEVEL` → `opt-level`); nested keys stay flat and exact. */
function envTable(profile: string, env: NodeJS.ProcessEnv): ProfileTable {
  const prefix = envName(profile);
  const table: ProfileTable = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(prefix) || value === undefined) continue;
    const key = name.slice(prefix.length).toLowerCase().replace(/_/g, '-');
    table[key] = /^\d+$/.test(value) ? Number(value) : value === 'true' ? true : value === 'false' ? false : value;
  }
  return table;
}

export interface ProfileSources {
  /** The workspace root's Cargo.toml, parsed. */
  manifest: Record<string, unknown> | null;
  /** Cargo's config sources, highest precedence first (as loadCargoConfig returns them). */
  cargoConfig: CargoConfigFile[];
  env: NodeJS.ProcessEnv;
}

/** One profile's own table from every source, lowest precedence first. */
function ownTable(name: string, sources: ProfileSources): ProfileTable {
  const from = (data: Record<string, unknown> | null): ProfileTable => {
    const profiles = data?.profile;
    return isTable(profiles) && isTable(profiles[name]) ? profiles[name] : {};
  };
  const files = [...sources.cargoConfig].reverse();
  let table = merge(BUILT_IN[name]?.table ?? {}, from(sources.manifest));
  for (const f of files.filter((f) => !f.cli)) table = merge(table, from(f.data));
  table = merge(table, envTable(name, sources.env));
  for (const f of files.filter((f) => f.cli)) table = merge(table, from(f.data));
  return table;
}

/** The effective settings of `profile`, with its inherits chain resolved; normalized and sorted. */
export function resolveProfileSettings(profile: string, sources: ProfileSources, seen: string[] = []): ProfileTable {
  if (seen.includes(profile))
    throw new Error(`profile '${profile}' inherits from itself (${[...seen, profile].join(' → ')})`);
  const own = ownTable(profile, sources);
  const parent = typeof own.inherits === 'string' ? own.inherits : (BUILT_IN[profile]?.inherits ?? null);
  const { inherits: _inherits, ...settings } = own;
  const resolved = parent ? merge(resolveProfileSettings(parent, sources, [...seen, profile]), settings) : settings;
  return normalize(resolved);
}

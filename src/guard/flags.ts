// The effective RUSTFLAGS, resolved the way cargo 1.95 does (target_info.rs::extra_args), and
// the classifier for flags that tie a build to one CPU. Pure: env, parsed config files and
// `rustc --print cfg` in; flags with their origins out.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { findKeyLine, getPath, CargoConfigError, type CargoConfigFile } from '../cargo-config.js';
import type { CfgSet } from '../toolchain.js';

const MIXED_ARRAY_AND_STRING = (key: string, file: string) =>
  `${key} is an array in one cargo config file and a string in ${file}; ` +
  `cargo refuses to merge them ("expected array, but found string"). Use arrays everywhere.`;

const FIX =
  'Build CI artifacts for the baseline CPU: tune speed with profile settings (opt-level, lto, codegen-units ' +
  'in [profile.*] of Cargo.toml) and keep target-cpu=native out of committed config: put it in your own ' +
  '~/.cargo/config.toml, or in an alias for local builds ' +
  '([alias] native = "rustc --release -- -C target-cpu=native", then `cargo native`).';

/** The CPU findings' messages; `from` names where the flag was set. */
const NATIVE_CPU = (flag: string, from: string) =>
  `\`${flag}\` (from ${from}) compiles for this runner's CPU: the binaries and the cached target/ crash with ` +
  `illegal instructions on older CPUs, and the cache stops matching across runners. ${FIX}`;
const NOT_EXACTLY_NATIVE = (flag: string, from: string, value: string) =>
  `\`${flag}\` (from ${from}) is not a CPU rustc recognizes ('${value}' is not exactly 'native'), ` +
  `so rustc ignores it and builds for the baseline CPU. Remove the flag.`;
const NAMED_CPU = (flag: string, from: string, value: string) =>
  `\`${flag}\` (from ${from}) requires a CPU with at least the features of '${value}'. ` +
  `That is portable only to runners that have them; check this is intended.`;
const CPU_FEATURES = (flag: string, from: string, enabled: string[]) =>
  `\`${flag}\` (from ${from}) enables CPU features (${enabled.join(', ')}); the binaries need a CPU that has them.`;

export interface FlagOrigin {
  kind: 'env' | 'config' | 'cli';
  /** Env var name, or the dotted config key (e.g. `target.'cfg(unix)'.rustflags`). */
  name: string;
  file?: string;
  line?: number | null;
}

export interface SourcedFlag {
  flag: string;
  origin: FlagOrigin;
}

export interface EffectiveRustflags {
  /** Which tier cargo uses: CARGO_ENCODED_RUSTFLAGS, RUSTFLAGS, target config, build config, or none. */
  tier: 'CARGO_ENCODED_RUSTFLAGS' | 'RUSTFLAGS' | 'target' | 'build' | 'none';
  /** Human-readable list of the sources that contributed. */
  source: string;
  flags: SourcedFlag[];
  /** True when a target.'cfg(...)' key took part (its match depends on the flags themselves). */
  usedCfgKeys: boolean;
}

export interface GuardFinding {
  severity: 'error' | 'warning';
  /** The flag as written, e.g. `-Ctarget-cpu=native`. */
  flag: string;
  message: string;
  origin: FlagOrigin;
}

/** RUSTFLAGS is split on single spaces only (tabs are not separators), empty pieces dropped. */
export function splitRustflagsEnv(value: string): string[] {
  return value
    .split(' ')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const splitWhitespace = (value: string) => value.split(/\s+/).filter((s) => s !== '');

/**
 * One config key across all files, merged as cargo merges it: arrays concatenate from lowest
 * precedence ($CARGO_HOME) to highest (working directory); a string in the highest file
 * replaces lower strings; mixing the two is an error in cargo too.
 */
export function mergedConfigList(files: CargoConfigFile[], keyPath: string[], displayKey: string): SourcedFlag[] {
  const defined = files.filter((f) => getPath(f.data, keyPath) !== undefined);
  if (defined.length === 0) return [];
  const kinds = new Set(defined.map((f) => (Array.isArray(getPath(f.data, keyPath)) ? 'array' : 'string')));
  if (kinds.size > 1) {
    const stringFile = defined.find((f) => !Array.isArray(getPath(f.data, keyPath)))!;
    throw new CargoConfigError(
      MIXED_ARRAY_AND_STRING(displayKey, stringFile.path),
      stringFile.path,
      findKeyLine(stringFile.text, keyPath),
    );
  }
  const origin = (f: CargoConfigFile): FlagOrigin =>
    f.cli === 'value'
      ? { kind: 'cli', name: `${displayKey} (--config in cargo-args)` }
      : { kind: 'config', name: displayKey, file: f.path, line: findKeyLine(f.text, keyPath) };
  if (kinds.has('string')) {
    const top = defined[0]!;
    return splitWhitespace(String(getPath(top.data, keyPath))).map((flag) => ({ flag, origin: origin(top) }));
  }
  const out: SourcedFlag[] = [];
  for (const f of [...defined].reverse()) {
    for (const item of getPath(f.data, keyPath) as unknown[]) out.push({ flag: String(item), origin: origin(f) });
  }
  return out;
}

/**
 * A config key plus its environment variable, ordered as cargo orders them: arrays go
 * files < env < --config; a string from a file is followed by the env tokens, a string from
 * --config is preceded by them.
 */
function configWithEnv(
  files: CargoConfigFile[],
  keyPath: string[],
  displayKey: string,
  envFlags: SourcedFlag[],
): SourcedFlag[] {
  const all = mergedConfigList(files, keyPath, displayKey);
  const top = files.find((f) => getPath(f.data, keyPath) !== undefined);
  if (!top) return envFlags;
  if (typeof getPath(top.data, keyPath) === 'string') return top.cli ? [...envFlags, ...all] : [...all, ...envFlags];
  const fromFiles = mergedConfigList(
    files.filter((f) => !f.cli),
    keyPath,
    displayKey,
  );
  const fromCli = mergedConfigList(
    files.filter((f) => f.cli),
    keyPath,
    displayKey,
  );
  return [...fromFiles, ...envFlags, ...fromCli];
}

function envList(env: NodeJS.ProcessEnv, name: string): SourcedFlag[] {
  const v = env[name];
  if (v === undefined) return [];
  return splitWhitespace(v).map((flag) => ({ flag, origin: { kind: 'env', name } }));
}

/** CARGO_TARGET_<TRIPLE>_RUSTFLAGS: triple upper-cased, `-` and `.` become `_`. */
export function targetEnvName(triple: string): string {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, '_')}_RUSTFLAGS`;
}

/** Flags from one environment variable, as one tier (CARGO_ENCODED_RUSTFLAGS or RUSTFLAGS). */
function envTier(tier: 'CARGO_ENCODED_RUSTFLAGS' | 'RUSTFLAGS', flags: string[]): EffectiveRustflags {
  return {
    tier,
    source: tier,
    flags: flags.map((flag) => ({ flag, origin: { kind: 'env', name: tier } })),
    usedCfgKeys: false,
  };
}

/** Tier 3: target.<triple>.rustflags (+ its env var), then every matching cfg() key in sorted order. */
function targetTier(
  env: NodeJS.ProcessEnv,
  files: CargoConfigFile[],
  triple: string,
  cfg: CfgSet,
): EffectiveRustflags | null {
  const sources: string[] = [];
  const flags = configWithEnv(
    files,
    ['target', triple, 'rustflags'],
    `target.${triple}.rustflags`,
    envList(env, targetEnvName(triple)),
  );
  if (flags.length) sources.push(`target.${triple}.rustflags`);
  const cfgKeys = new Set<string>();
  for (const f of files) {
    const targets = f.data.target;
    if (targets && typeof targets === 'object')
      for (const k of Object.keys(targets)) if (k.startsWith('cfg(')) cfgKeys.add(k);
  }
  let usedCfgKeys = false;
  for (const key of [...cfgKeys].sort()) {
    if (!cfgMatches(key, cfg)) continue;
    const list = mergedConfigList(files, ['target', key, 'rustflags'], `target.'${key}'.rustflags`);
    if (list.length === 0) continue;
    flags.push(...list);
    sources.push(`target.'${key}'.rustflags`);
    usedCfgKeys = true;
  }
  return flags.length ? { tier: 'target', source: sources.join(', '), flags, usedCfgKeys } : null;
}

export function resolveEffectiveRustflags(input: {
  env: NodeJS.ProcessEnv;
  files: CargoConfigFile[];
  targetTriple: string;
  cfg: CfgSet;
}): EffectiveRustflags {
  const { env, files } = input;
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  if (encoded !== undefined) return envTier('CARGO_ENCODED_RUSTFLAGS', encoded === '' ? [] : encoded.split('\x1f'));
  if (env.RUSTFLAGS !== undefined) return envTier('RUSTFLAGS', splitRustflagsEnv(env.RUSTFLAGS));
  const target = targetTier(env, files, input.targetTriple, input.cfg);
  if (target) return target;
  const buildTier = configWithEnv(
    files,
    ['build', 'rustflags'],
    'build.rustflags',
    envList(env, 'CARGO_BUILD_RUSTFLAGS'),
  );
  if (buildTier.length) {
    const names = [...new Set(buildTier.map((f) => (f.origin.kind === 'env' ? f.origin.name : 'build.rustflags')))];
    return { tier: 'build', source: names.join(', '), flags: buildTier, usedCfgKeys: false };
  }
  return { tier: 'none', source: 'none', flags: [], usedCfgKeys: false };
}

// ---- cfg() expressions ----

type CfgExpr =
  | { kind: 'name'; name: string }
  | { kind: 'pair'; name: string; value: string }
  | { kind: 'all' | 'any'; items: CfgExpr[] }
  | { kind: 'not'; item: CfgExpr }
  | { kind: 'bool'; value: boolean };

/** A recursive-descent reader of the inside of `cfg(...)`, as cargo's cfg grammar has it. */
class CfgReader {
  private i = 0;

  constructor(private readonly src: string) {}

  /** The whole input as one expression, or null when cargo would not parse it. */
  read(): CfgExpr | null {
    const parsed = this.expr();
    this.skipSpace();
    return parsed && this.i === this.src.length ? parsed : null;
  }

  private skipSpace(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
  }

  private match(re: RegExp): RegExpExecArray | null {
    const m = re.exec(this.src.slice(this.i));
    if (m) this.i += m[0].length;
    return m;
  }

  private expr(): CfgExpr | null {
    this.skipSpace();
    const name = this.match(/^[A-Za-z_][A-Za-z0-9_]*/)?.[0];
    if (!name) return null;
    this.skipSpace();
    if (this.src[this.i] === '(' && (name === 'all' || name === 'any' || name === 'not')) return this.call(name);
    if (this.src[this.i] === '=') {
      this.i++;
      this.skipSpace();
      const str = this.match(/^"((?:[^"\\]|\\.)*)"/);
      return str ? { kind: 'pair', name, value: str[1]! } : null;
    }
    if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true' };
    return { kind: 'name', name };
  }

  /** `all(...)`, `any(...)` or `not(...)`, the opening parenthesis next. */
  private call(name: 'all' | 'any' | 'not'): CfgExpr | null {
    this.i++;
    const items: CfgExpr[] = [];
    this.skipSpace();
    while (this.src[this.i] !== ')') {
      const item = this.expr();
      if (!item) return null;
      items.push(item);
      this.skipSpace();
      if (this.src[this.i] === ',') this.i++;
      else if (this.src[this.i] !== ')') return null;
      this.skipSpace();
    }
    this.i++;
    if (name === 'not') return items.length === 1 ? { kind: 'not', item: items[0]! } : null;
    return { kind: name, items };
  }
}

/** Parses `cfg(...)`; returns null for anything cargo would not parse (such keys never match). */
export function parseCfgExpr(key: string): CfgExpr | null {
  const m = /^cfg\((.*)\)$/s.exec(key.trim());
  return m ? new CfgReader(m[1]!).read() : null;
}

export function cfgMatches(key: string, cfg: CfgSet): boolean {
  const expr = parseCfgExpr(key);
  if (!expr) return false;
  const set = cfg.filter(([name]) => name !== 'proc_macro');
  const evaluate = (e: CfgExpr): boolean => {
    switch (e.kind) {
      case 'name':
        return set.some(([n, v]) => n === e.name && v === null);
      case 'pair':
        return set.some(([n, v]) => n === e.name && v === e.value);
      case 'all':
        return e.items.every(evaluate);
      case 'any':
        return e.items.some(evaluate);
      case 'not':
        return !evaluate(e.item);
      case 'bool':
        return e.value;
    }
  };
  return evaluate(expr);
}

// ---- target triple ----

/** The triple cargo builds for: --target, CARGO_BUILD_TARGET, build.target, else the host. */
export function selectTargetTriple(
  cargoArgs: string[],
  env: NodeJS.ProcessEnv,
  files: CargoConfigFile[],
  host: string,
): string {
  let chosen: string | null = null;
  for (let i = 0; i < cargoArgs.length; i++) {
    const a = cargoArgs[i]!;
    if (a === '--target' && i + 1 < cargoArgs.length) chosen = cargoArgs[i + 1]!;
    else if (a.startsWith('--target=')) chosen = a.slice('--target='.length);
  }
  if (!chosen && env.CARGO_BUILD_TARGET) chosen = env.CARGO_BUILD_TARGET;
  if (!chosen) {
    const file = files.find((f) => getPath(f.data, ['build', 'target']) !== undefined);
    const value = file ? getPath(file.data, ['build', 'target']) : undefined;
    if (typeof value === 'string') chosen = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') chosen = value[0];
  }
  if (!chosen || chosen === 'host-tuple') return host;
  // A JSON target spec is named by its file stem.
  return chosen.endsWith('.json') ? path.basename(chosen, '.json') : chosen;
}

// ---- the classifier ----

interface CodegenSetting {
  key: string;
  value: string;
  flag: string;
  origin: FlagOrigin;
}

/** Codegen options (`-C k=v`, `-Ck=v`, `--codegen k=v`, `--codegen=k=v`) in order, argfiles expanded. */
export function codegenSettings(
  flags: SourcedFlag[],
  readArgfile: (file: string) => string | null = () => null,
): CodegenSetting[] {
  const tokens: SourcedFlag[] = [];
  for (const f of flags) {
    if (f.flag.startsWith('@') && f.flag.length > 1) {
      const text = readArgfile(f.flag.slice(1));
      if (text !== null) {
        // rustc argfiles hold one argument per line.
        for (const line of text.split(/\r?\n/))
          if (line !== '')
            tokens.push({ flag: line, origin: { ...f.origin, name: `${f.origin.name} (argfile ${f.flag.slice(1)})` } });
        continue;
      }
    }
    tokens.push(f);
  }
  const out: CodegenSetting[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let value: string | null = null;
    let written = t.flag;
    if (t.flag === '-C' || t.flag === '--codegen') {
      const next = tokens[i + 1];
      if (!next) break;
      value = next.flag;
      written = `${t.flag} ${next.flag}`;
      i++;
    } else if (t.flag.startsWith('--codegen=')) value = t.flag.slice('--codegen='.length);
    else if (t.flag.startsWith('-C') && !t.flag.startsWith('-C=')) value = t.flag.slice(2);
    if (value === null) continue;
    const eq = value.indexOf('=');
    const key = (eq === -1 ? value : value.slice(0, eq)).replace(/-/g, '_');
    out.push({ key, value: eq === -1 ? '' : value.slice(eq + 1), flag: written, origin: t.origin });
  }
  return out;
}

/** CPUs that name the triple's baseline ISA: selecting them is portable. */
const BASELINE_CPUS = new Set(['generic', 'x86-64', '']);

function where(origin: FlagOrigin): string {
  if (origin.kind === 'env') return `the ${origin.name} environment variable`;
  if (origin.kind === 'cli') return origin.name;
  return `${origin.name} in ${origin.file}${origin.line ? ` line ${origin.line}` : ''}`;
}

export function findNonPortableFlags(
  flags: SourcedFlag[],
  readArgfile?: (file: string) => string | null,
): GuardFinding[] {
  const settings = codegenSettings(flags, readArgfile);
  const findings: GuardFinding[] = [];
  // rustc keeps the last target-cpu; earlier ones have no effect.
  const cpu = settings.filter((s) => s.key === 'target_cpu').at(-1);
  if (cpu && cpu.value === 'native') {
    findings.push({
      severity: 'error',
      flag: cpu.flag,
      origin: cpu.origin,
      message: NATIVE_CPU(cpu.flag, where(cpu.origin)),
    });
  } else if (cpu && cpu.value.trim().replace(/^"|"$/g, '').toLowerCase() === 'native') {
    // rustc matches 'native' exactly; 'NATIVE' or 'native ' is ignored with a warning.
    findings.push({
      severity: 'warning',
      flag: cpu.flag,
      origin: cpu.origin,
      message: NOT_EXACTLY_NATIVE(cpu.flag, where(cpu.origin), cpu.value),
    });
  } else if (cpu && !BASELINE_CPUS.has(cpu.value)) {
    findings.push({
      severity: 'warning',
      flag: cpu.flag,
      origin: cpu.origin,
      message: NAMED_CPU(cpu.flag, where(cpu.origin), cpu.value),
    });
  }
  for (const s of settings.filter((x) => x.key === 'target_feature')) {
    const enabled = s.value.split(',').filter((f) => f.startsWith('+') && f !== '+crt-static');
    if (enabled.length) {
      findings.push({
        severity: 'warning',
        flag: s.flag,
        origin: s.origin,
        message: CPU_FEATURES(s.flag, where(s.origin), enabled),
      });
    }
  }
  return findings;
}

/**
 * Stable hash of what cargo passes to rustc: the flags (in order), the triple they apply to, and
 * the arguments `cargo rustc` adds for the final target (left out when there are none, so the
 * hash of a plain build stays what it was).
 */
export function rustflagsHash(flags: string[], targetTriple: string, rustcArgs: string[] = []): string {
  return createHash('sha256')
    .update(JSON.stringify(rustcArgs.length ? { targetTriple, flags, rustcArgs } : { targetTriple, flags }))
    .digest('hex');
}

// ---- `cargo rustc -- <args>` ----

/** Cargo's own subcommands (and their short names): an alias of the same name is ignored, as cargo ignores it. */
const BUILTIN_COMMANDS = new Set(
  (
    'add bench build check clean config doc fetch fix generate-lockfile help info init install locate-project ' +
    'login logout metadata new owner package pkgid publish read-manifest remove report run rustc rustdoc search ' +
    'test tree uninstall update vendor verify-project version yank b c d r t rm'
  ).split(' '),
);
/** Options cargo takes before the subcommand whose value is the next word. */
const GLOBAL_WITH_VALUE = new Set(['--color', '--config', '-Z', '-C', '--explain']);

/** Where the subcommand is: after `+toolchain` and cargo's global options (with their values). */
function subcommandIndex(words: SourcedFlag[], from: number): number {
  let i = from;
  while (i < words.length && (words[i]!.flag.startsWith('-') || words[i]!.flag.startsWith('+')))
    i += GLOBAL_WITH_VALUE.has(words[i]!.flag) ? 2 : 1;
  return i;
}

/**
 * A cargo alias, as cargo looks it up: `--config` arguments, then CARGO_ALIAS_<NAME>, then the config files; null when
 * none.
 */
export function cargoAlias(files: CargoConfigFile[], env: NodeJS.ProcessEnv, name: string): SourcedFlag[] | null {
  const fromFiles = (list: CargoConfigFile[]): SourcedFlag[] | null => {
    const f = list.find((x) => getPath(x.data, ['alias', name]) !== undefined);
    if (!f) return null;
    const value = getPath(f.data, ['alias', name]);
    const origin: FlagOrigin =
      f.cli === 'value'
        ? { kind: 'cli', name: `alias.${name} (--config in cargo-args)` }
        : { kind: 'config', name: `alias.${name}`, file: f.path, line: findKeyLine(f.text, ['alias', name]) };
    return (Array.isArray(value) ? value.map(String) : splitWhitespace(String(value))).map((flag) => ({
      flag,
      origin,
    }));
  };
  const envName = `CARGO_ALIAS_${name.toUpperCase().replace(/-/g, '_')}`;
  const fromEnv = env[envName] === undefined ? null : envList(env, envName);
  return fromFiles(files.filter((f) => f.cli)) ?? fromEnv ?? fromFiles(files.filter((f) => !f.cli));
}

/**
 * What `cargo rustc` passes to rustc for the final target: the words after its `--`, with where
 * each came from. `words` are the build's arguments after the program; an alias (`cargo native`
 * with `native = "rustc -- -C target-cpu=native"`) is expanded as cargo expands it. Empty for
 * any other subcommand.
 */
export function rustcArgsOf(words: SourcedFlag[], alias: (name: string) => SourcedFlag[] | null): SourcedFlag[] {
  let expanded = words;
  let at = subcommandIndex(expanded, 0);
  // Cargo follows aliases of aliases too, and stops a loop; a few levels are plenty.
  for (let depth = 0; depth < 16 && at < expanded.length; depth++) {
    const name = expanded[at]!.flag;
    if (name === 'rustc') {
      const dashes = expanded.findIndex((w, i) => i > at && w.flag === '--');
      return dashes === -1 ? [] : expanded.slice(dashes + 1);
    }
    const replacement = BUILTIN_COMMANDS.has(name) ? null : alias(name);
    if (!replacement) return [];
    expanded = [...expanded.slice(0, at), ...replacement, ...expanded.slice(at + 1)];
    at = subcommandIndex(expanded, at);
  }
  return [];
}

import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  ABSOLUTE_FLOORS,
  CargoConfigError,
  DEFAULT_THRESHOLDS,
  InputError,
  PhaseClock,
  RECORD_SCHEMA,
  RECORD_SCHEMA_VERSION,
  RebuildCancelled,
  SAMPLE_FLOORS,
  addGroups,
  addWorktree,
  buildArgs,
  capture,
  captureOk,
  childEnv,
  closingBracket,
  commandNote,
  configArgs,
  configValue,
  crateKey,
  crateOfKey,
  createBackend,
  emptyPostState,
  emptyTally,
  escapeMarkdown,
  findKeyLine,
  formatBytes,
  formatChange,
  genericGroup,
  getPath,
  handArtifacts,
  hashesInPath,
  inWorktree,
  instantiateIr,
  irWasmModule,
  isCargoTimings,
  isNextest,
  layoutOfArtifacts,
  loadCargoConfig,
  loadRunContext,
  localDependencies,
  logText,
  notFound,
  ownSeconds,
  packageWork,
  parallelismOf,
  parallelismOutput,
  parse,
  phasesText,
  plural,
  produceReport,
  readConfig,
  relativeToWorkspace,
  removeWorktree,
  resolveProfileSettings,
  restoreCache,
  rustName,
  sampleNoise,
  samplesSeparate,
  sha256,
  shortHash,
  side,
  sideFilePath,
  staleDependencies,
  stepFailure,
  stopCommands,
  subcommandOf,
  timedBuildFlags,
  turnIncrementalOff,
  workspaceInfo,
  writePostState,
  writeRunRecord,
  writesCode
} from "./chunk-5AP4YXRQ.js";
import {
  debug,
  endGroup,
  error,
  info,
  setFailed,
  setOutput,
  startGroup,
  summary,
  warning
} from "./chunk-WWVWMOGC.js";

// src/steps/main.ts
import path13 from "node:path";
import { fileURLToPath } from "node:url";

// src/advise/index.ts
import { existsSync as existsSync6, mkdirSync as mkdirSync3, readFileSync as readFileSync5, rmSync as rmSync4, writeFileSync as writeFileSync3 } from "node:fs";
import path11 from "node:path";

// src/outputs.ts
var OUTPUT_NAMES = {
  cacheHit: "cache-hit",
  cacheKey: "cache-key",
  cacheBytes: "cache-bytes",
  rustflagsHash: "rustflags-hash",
  /** The JSON run record's path; `report` is the same path, kept for workflows that use it. */
  record: "record",
  report: "report",
  reportMarkdown: "report-markdown",
  timingsHtml: "timings-html",
  buildSeconds: "build-seconds",
  baselineSeconds: "baseline-seconds",
  changePercent: "change-percent",
  verdict: "verdict",
  verdictReason: "verdict-reason",
  workChangePercent: "work-change-percent",
  parallelism: "parallelism",
  /** The profile advisor's JSON file (src/advise); empty when it did not run. */
  advice: "advice"
};
function setOutputs(outputs) {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== void 0) setOutput(OUTPUT_NAMES[name], value);
  }
}

// src/guard/flags.ts
import { createHash } from "node:crypto";
import path from "node:path";
var MIXED_ARRAY_AND_STRING = (key, file) => `${key} is an array in one cargo config file and a string in ${file}; cargo refuses to merge them ("expected array, but found string"). Use arrays everywhere.`;
var FIX = 'Build CI artifacts for the baseline CPU: tune speed with profile settings (opt-level, lto, codegen-units in [profile.*] of Cargo.toml) and keep target-cpu=native out of committed config: put it in your own ~/.cargo/config.toml, or in an alias for local builds ([alias] native = "rustc --release -- -C target-cpu=native", then `cargo native`).';
var NATIVE_CPU = (flag, from) => `\`${flag}\` (from ${from}) compiles for this runner's CPU: the binaries and the cached target/ crash with illegal instructions on older CPUs, and the cache stops matching across runners. ${FIX}`;
var NOT_EXACTLY_NATIVE = (flag, from, value) => `\`${flag}\` (from ${from}) is not a CPU rustc recognizes ('${value}' is not exactly 'native'), so rustc ignores it and builds for the baseline CPU. Remove the flag.`;
var NAMED_CPU = (flag, from, value) => `\`${flag}\` (from ${from}) requires a CPU with at least the features of '${value}'. That is portable only to runners that have them; check this is intended.`;
var CPU_FEATURES = (flag, from, enabled) => `\`${flag}\` (from ${from}) enables CPU features (${enabled.join(", ")}); the binaries need a CPU that has them.`;
function splitRustflagsEnv(value) {
  return value.split(" ").map((s) => s.trim()).filter((s) => s !== "");
}
var splitWhitespace = (value) => value.split(/\s+/).filter((s) => s !== "");
function mergedConfigList(files, keyPath, displayKey) {
  const defined = files.filter((f) => getPath(f.data, keyPath) !== void 0);
  if (defined.length === 0) return [];
  const kinds = new Set(defined.map((f) => Array.isArray(getPath(f.data, keyPath)) ? "array" : "string"));
  if (kinds.size > 1) {
    const stringFile = defined.find((f) => !Array.isArray(getPath(f.data, keyPath)));
    throw new CargoConfigError(
      MIXED_ARRAY_AND_STRING(displayKey, stringFile.path),
      stringFile.path,
      findKeyLine(stringFile.text, keyPath)
    );
  }
  const origin = (f) => f.cli === "value" ? { kind: "cli", name: `${displayKey} (--config in cargo-args)` } : { kind: "config", name: displayKey, file: f.path, line: findKeyLine(f.text, keyPath) };
  if (kinds.has("string")) {
    const top = defined[0];
    return splitWhitespace(String(getPath(top.data, keyPath))).map((flag) => ({ flag, origin: origin(top) }));
  }
  const out = [];
  for (const f of [...defined].reverse()) {
    for (const item of getPath(f.data, keyPath)) out.push({ flag: String(item), origin: origin(f) });
  }
  return out;
}
function configWithEnv(files, keyPath, displayKey, envFlags) {
  const all = mergedConfigList(files, keyPath, displayKey);
  const top = files.find((f) => getPath(f.data, keyPath) !== void 0);
  if (!top) return envFlags;
  if (typeof getPath(top.data, keyPath) === "string") return top.cli ? [...envFlags, ...all] : [...all, ...envFlags];
  const fromFiles = mergedConfigList(
    files.filter((f) => !f.cli),
    keyPath,
    displayKey
  );
  const fromCli = mergedConfigList(
    files.filter((f) => f.cli),
    keyPath,
    displayKey
  );
  return [...fromFiles, ...envFlags, ...fromCli];
}
function envList(env, name) {
  const v = env[name];
  if (v === void 0) return [];
  return splitWhitespace(v).map((flag) => ({ flag, origin: { kind: "env", name } }));
}
function targetEnvName(triple) {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, "_")}_RUSTFLAGS`;
}
function envTier(tier, flags) {
  return {
    tier,
    source: tier,
    flags: flags.map((flag) => ({ flag, origin: { kind: "env", name: tier } })),
    usedCfgKeys: false
  };
}
function targetTier(env, files, triple, cfg) {
  const sources = [];
  const flags = configWithEnv(
    files,
    ["target", triple, "rustflags"],
    `target.${triple}.rustflags`,
    envList(env, targetEnvName(triple))
  );
  if (flags.length) sources.push(`target.${triple}.rustflags`);
  const cfgKeys = /* @__PURE__ */ new Set();
  for (const f of files) {
    const targets = f.data.target;
    if (targets && typeof targets === "object") {
      for (const k of Object.keys(targets)) if (k.startsWith("cfg(")) cfgKeys.add(k);
    }
  }
  let usedCfgKeys = false;
  for (const key of [...cfgKeys].sort()) {
    if (!cfgMatches(key, cfg)) continue;
    const list2 = mergedConfigList(files, ["target", key, "rustflags"], `target.'${key}'.rustflags`);
    if (list2.length === 0) continue;
    flags.push(...list2);
    sources.push(`target.'${key}'.rustflags`);
    usedCfgKeys = true;
  }
  return flags.length ? { tier: "target", source: sources.join(", "), flags, usedCfgKeys } : null;
}
function resolveEffectiveRustflags(input) {
  const { env, files } = input;
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  if (encoded !== void 0) return envTier("CARGO_ENCODED_RUSTFLAGS", encoded === "" ? [] : encoded.split(""));
  if (env.RUSTFLAGS !== void 0) return envTier("RUSTFLAGS", splitRustflagsEnv(env.RUSTFLAGS));
  const target = targetTier(env, files, input.targetTriple, input.cfg);
  if (target) return target;
  const buildTier = configWithEnv(
    files,
    ["build", "rustflags"],
    "build.rustflags",
    envList(env, "CARGO_BUILD_RUSTFLAGS")
  );
  if (buildTier.length) {
    const names = [...new Set(buildTier.map((f) => f.origin.kind === "env" ? f.origin.name : "build.rustflags"))];
    return { tier: "build", source: names.join(", "), flags: buildTier, usedCfgKeys: false };
  }
  return { tier: "none", source: "none", flags: [], usedCfgKeys: false };
}
var CfgReader = class {
  constructor(src) {
    this.src = src;
  }
  src;
  i = 0;
  /** The whole input as one expression, or null when cargo would not parse it. */
  read() {
    const parsed = this.expr();
    this.skipSpace();
    return parsed && this.i === this.src.length ? parsed : null;
  }
  skipSpace() {
    while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++;
  }
  match(re) {
    const m = re.exec(this.src.slice(this.i));
    if (m) this.i += m[0].length;
    return m;
  }
  expr() {
    this.skipSpace();
    const name = this.match(/^[A-Za-z_][A-Za-z0-9_]*/)?.[0];
    if (!name) return null;
    this.skipSpace();
    if (this.src[this.i] === "(" && (name === "all" || name === "any" || name === "not")) return this.call(name);
    if (this.src[this.i] === "=") {
      this.i++;
      this.skipSpace();
      const str = this.match(/^"((?:[^"\\]|\\.)*)"/);
      return str ? { kind: "pair", name, value: str[1] } : null;
    }
    if (name === "true" || name === "false") return { kind: "bool", value: name === "true" };
    return { kind: "name", name };
  }
  /** `all(...)`, `any(...)` or `not(...)`, the opening parenthesis next. */
  call(name) {
    this.i++;
    const items = [];
    this.skipSpace();
    while (this.src[this.i] !== ")") {
      const item = this.expr();
      if (!item) return null;
      items.push(item);
      this.skipSpace();
      if (this.src[this.i] === ",") this.i++;
      else if (this.src[this.i] !== ")") return null;
      this.skipSpace();
    }
    this.i++;
    if (name === "not") return items.length === 1 ? { kind: "not", item: items[0] } : null;
    return { kind: name, items };
  }
};
function parseCfgExpr(key) {
  const m = /^cfg\((.*)\)$/s.exec(key.trim());
  return m ? new CfgReader(m[1]).read() : null;
}
function cfgMatches(key, cfg) {
  const expr = parseCfgExpr(key);
  if (!expr) return false;
  const set = cfg.filter(([name]) => name !== "proc_macro");
  const evaluate = (e) => {
    switch (e.kind) {
      case "name":
        return set.some(([n, v]) => n === e.name && v === null);
      case "pair":
        return set.some(([n, v]) => n === e.name && v === e.value);
      case "all":
        return e.items.every(evaluate);
      case "any":
        return e.items.some(evaluate);
      case "not":
        return !evaluate(e.item);
      case "bool":
        return e.value;
    }
  };
  return evaluate(expr);
}
function selectTargetTriple(cargoArgs, env, files, host) {
  let chosen = null;
  for (let i = 0; i < cargoArgs.length; i++) {
    const a = cargoArgs[i];
    if (a === "--target" && i + 1 < cargoArgs.length) chosen = cargoArgs[i + 1];
    else if (a.startsWith("--target=")) chosen = a.slice("--target=".length);
  }
  if (!chosen && env.CARGO_BUILD_TARGET) chosen = env.CARGO_BUILD_TARGET;
  if (!chosen) {
    const file = files.find((f) => getPath(f.data, ["build", "target"]) !== void 0);
    const value = file ? getPath(file.data, ["build", "target"]) : void 0;
    if (typeof value === "string") chosen = value;
    else if (Array.isArray(value) && typeof value[0] === "string") chosen = value[0];
  }
  if (!chosen || chosen === "host-tuple") return host;
  return chosen.endsWith(".json") ? path.basename(chosen, ".json") : chosen;
}
function codegenSettings(flags, readArgfile = () => null) {
  const tokens = [];
  for (const f of flags) {
    if (f.flag.startsWith("@") && f.flag.length > 1) {
      const text = readArgfile(f.flag.slice(1));
      if (text !== null) {
        for (const line of text.split(/\r?\n/))
          if (line !== "")
            tokens.push({ flag: line, origin: { ...f.origin, name: `${f.origin.name} (argfile ${f.flag.slice(1)})` } });
        continue;
      }
    }
    tokens.push(f);
  }
  const out = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    let value = null;
    let written = t.flag;
    if (t.flag === "-C" || t.flag === "--codegen") {
      const next = tokens[i + 1];
      if (!next) break;
      value = next.flag;
      written = `${t.flag} ${next.flag}`;
      i++;
    } else if (t.flag.startsWith("--codegen=")) value = t.flag.slice("--codegen=".length);
    else if (t.flag.startsWith("-C") && !t.flag.startsWith("-C=")) value = t.flag.slice(2);
    if (value === null) continue;
    const eq = value.indexOf("=");
    const key = (eq === -1 ? value : value.slice(0, eq)).replace(/-/g, "_");
    out.push({ key, value: eq === -1 ? "" : value.slice(eq + 1), flag: written, origin: t.origin });
  }
  return out;
}
var BASELINE_CPUS = /* @__PURE__ */ new Set(["generic", "x86-64", ""]);
function where(origin) {
  if (origin.kind === "env") return `the ${origin.name} environment variable`;
  if (origin.kind === "cli") return origin.name;
  return `${origin.name} in ${origin.file}${origin.line ? ` line ${origin.line}` : ""}`;
}
function findNonPortableFlags(flags, readArgfile) {
  const settings = codegenSettings(flags, readArgfile);
  const findings = [];
  const cpu = settings.filter((s) => s.key === "target_cpu").at(-1);
  if (cpu && cpu.value === "native") {
    findings.push({
      severity: "error",
      flag: cpu.flag,
      origin: cpu.origin,
      message: NATIVE_CPU(cpu.flag, where(cpu.origin))
    });
  } else if (cpu && cpu.value.trim().replace(/^"|"$/g, "").toLowerCase() === "native") {
    findings.push({
      severity: "warning",
      flag: cpu.flag,
      origin: cpu.origin,
      message: NOT_EXACTLY_NATIVE(cpu.flag, where(cpu.origin), cpu.value)
    });
  } else if (cpu && !BASELINE_CPUS.has(cpu.value)) {
    findings.push({
      severity: "warning",
      flag: cpu.flag,
      origin: cpu.origin,
      message: NAMED_CPU(cpu.flag, where(cpu.origin), cpu.value)
    });
  }
  for (const s of settings.filter((x) => x.key === "target_feature")) {
    const enabled = s.value.split(",").filter((f) => f.startsWith("+") && f !== "+crt-static");
    if (enabled.length) {
      findings.push({
        severity: "warning",
        flag: s.flag,
        origin: s.origin,
        message: CPU_FEATURES(s.flag, where(s.origin), enabled)
      });
    }
  }
  return findings;
}
function rustflagsHash(flags, targetTriple, rustcArgs = []) {
  return createHash("sha256").update(JSON.stringify(rustcArgs.length ? { targetTriple, flags, rustcArgs } : { targetTriple, flags })).digest("hex");
}
var BUILTIN_COMMANDS = new Set(
  "add bench build check clean config doc fetch fix generate-lockfile help info init install locate-project login logout metadata new owner package pkgid publish read-manifest remove report run rustc rustdoc search test tree uninstall update vendor verify-project version yank b c d r t rm".split(" ")
);
var GLOBAL_WITH_VALUE = /* @__PURE__ */ new Set(["--color", "--config", "-Z", "-C", "--explain"]);
function subcommandIndex(words, from) {
  let i = from;
  while (i < words.length && (words[i].flag.startsWith("-") || words[i].flag.startsWith("+")))
    i += GLOBAL_WITH_VALUE.has(words[i].flag) ? 2 : 1;
  return i;
}
function cargoAlias(files, env, name) {
  const fromFiles = (list2) => {
    const f = list2.find((x) => getPath(x.data, ["alias", name]) !== void 0);
    if (!f) return null;
    const value = getPath(f.data, ["alias", name]);
    const origin = f.cli === "value" ? { kind: "cli", name: `alias.${name} (--config in cargo-args)` } : { kind: "config", name: `alias.${name}`, file: f.path, line: findKeyLine(f.text, ["alias", name]) };
    return (Array.isArray(value) ? value.map(String) : splitWhitespace(String(value))).map((flag) => ({
      flag,
      origin
    }));
  };
  const envName = `CARGO_ALIAS_${name.toUpperCase().replace(/-/g, "_")}`;
  const fromEnv = env[envName] === void 0 ? null : envList(env, envName);
  return fromFiles(files.filter((f) => f.cli)) ?? fromEnv ?? fromFiles(files.filter((f) => !f.cli));
}
function rustcArgsOf(words, alias) {
  let expanded = words;
  let at = subcommandIndex(expanded, 0);
  for (let depth = 0; depth < 16 && at < expanded.length; depth++) {
    const name = expanded[at].flag;
    if (name === "rustc") {
      const dashes = expanded.findIndex((w, i) => i > at && w.flag === "--");
      return dashes === -1 ? [] : expanded.slice(dashes + 1);
    }
    const replacement = BUILTIN_COMMANDS.has(name) ? null : alias(name);
    if (!replacement) return [];
    expanded = [...expanded.slice(0, at), ...replacement, ...expanded.slice(at + 1)];
    at = subcommandIndex(expanded, at);
  }
  return [];
}

// src/advise/candidates.ts
var RUSTC_OPTION = {
  debug: "debuginfo",
  "split-debuginfo": "split_debuginfo",
  "codegen-units": "codegen_units",
  lto: "lto",
  strip: "strip",
  "opt-level": "opt_level",
  incremental: "incremental"
};
var COST_OF_BUILDING = ["cold", "coldCpu", "warm", "memory"];
var COST_OF_CODE = ["size", "runtime"];
var own = (profile) => ["profile", profile];
var anyPackage = (profile) => ["profile", profile, "package", "*"];
function candidate(profile, id, setting, costs, note) {
  const [key, value, table2] = setting;
  const label = table2 ? `[${table2.map(tomlKey).join(".")}] ${settingText(key, value)}` : settingText(key, value);
  return { id, label, settings: [{ table: table2 ?? own(profile), key, value }], costs, note };
}
var skip = (why) => ({ why });
function settingText(key, value) {
  return `${key} = ${tomlValue(value)}`;
}
var tomlValue = (value) => typeof value === "string" ? JSON.stringify(value) : String(value);
var tomlKey = (segment) => /^[A-Za-z0-9_-]+$/.test(segment) ? segment : JSON.stringify(segment);
function configArgs2(settings) {
  return settings.flatMap((s) => ["--config", `${[...s.table, s.key].map(tomlKey).join(".")}=${tomlValue(s.value)}`]);
}
function profileEnv(settings) {
  const out = {};
  for (const s of settings) {
    if (s.table.length !== 2 || s.table[0] !== "profile") return null;
    const name = (text) => text.toUpperCase().replace(/-/g, "_");
    out[`CARGO_PROFILE_${name(s.table[1])}_${name(s.key)}`] = String(s.value);
  }
  return out;
}
function tomlSnippet(settings) {
  const tables = /* @__PURE__ */ new Map();
  for (const s of settings) {
    const header = s.table.map(tomlKey).join(".");
    if (!tables.has(header)) tables.set(header, /* @__PURE__ */ new Map());
    tables.get(header).set(s.key, s.value);
  }
  return [...tables].map(([header, keys]) => [`[${header}]`, ...[...keys].map(([k, v]) => settingText(k, v))].join("\n")).join("\n\n");
}
function profileKind(profile, sources, effective) {
  const seen = /* @__PURE__ */ new Set();
  for (let name = profile; name !== null && !seen.has(name); name = inheritsOf(name, sources)) {
    if (name === "dev" || name === "test") return "dev";
    if (name === "release" || name === "bench") return "release";
    seen.add(name);
  }
  return effective["opt-level"] === "0" ? "dev" : "release";
}
function inheritsOf(name, sources) {
  const envValue = sources.env[`CARGO_PROFILE_${name.toUpperCase().replace(/-/g, "_")}_INHERITS`];
  const fromData = (data) => {
    const profiles = data?.profile;
    return profiles?.[name]?.inherits;
  };
  const cli = sources.cargoConfig.filter((f) => f.cli).map((f) => fromData(f.data));
  const files = sources.cargoConfig.filter((f) => !f.cli).map((f) => fromData(f.data));
  const found = [...cli, envValue, ...files, fromData(sources.manifest)].find((v) => typeof v === "string");
  return typeof found === "string" ? found : null;
}
function candidatesFor(input) {
  const levers = input.kind === "dev" ? devLevers(input) : releaseLevers(input);
  const overridden = new Set(
    codegenSettings(input.rustflags.map((flag) => ({ flag, origin: { kind: "env", name: "RUSTFLAGS" } }))).map(
      (c) => c.key
    )
  );
  const candidates = [];
  const skipped = [];
  for (const [id, label, lever] of levers) {
    if (!("settings" in lever)) {
      skipped.push({ id, label, why: lever.why });
      continue;
    }
    const clash = lever.settings.map((s) => RUSTC_OPTION[s.key]).find((o) => o !== void 0 && overridden.has(o));
    if (clash) skipped.push({ id, label, why: `RUSTFLAGS sets -C ${clash.replace(/_/g, "-")}, which overrides it` });
    else candidates.push(lever);
  }
  return { candidates, skipped };
}
var entry = (lever, c) => [c.id, c.label, lever];
function devLevers(input) {
  const { profile, effective } = input;
  const debug2 = effective.debug;
  const lessDebug = debug2 === 0 || debug2 === "line-tables-only" || debug2 === "line-directives-only";
  const tables = candidate(
    profile,
    "debug-line-tables-only",
    ["debug", "line-tables-only"],
    [],
    "debuggers show no variables or types; backtraces keep files and lines"
  );
  const none = candidate(
    profile,
    "debug-0",
    ["debug", 0],
    [],
    "no debug info: debuggers and backtraces lose files and lines"
  );
  return [
    entry(
      lessDebug ? skip(`the profile keeps less debug info already (${settingText("debug", debug2)})`) : tables,
      tables
    ),
    entry(debug2 === 0 ? skip("equal to the current setting") : none, none),
    splitDebuginfo(input),
    optimisedDependencies(input),
    codegenUnits(input, effective["codegen-units"], "dev"),
    incrementalOff(input)
  ];
}
function splitDebuginfo(input) {
  const { profile, effective, triple } = input;
  const c = candidate(
    profile,
    "split-debuginfo-unpacked",
    ["split-debuginfo", "unpacked"],
    [],
    "debug info stays in files beside the objects in target/: debuggers find it, a copied binary alone has none"
  );
  const apple = triple.includes("-apple-");
  const current = effective["split-debuginfo"] ?? (apple ? "unpacked" : "off");
  if (!triple.includes("-linux-") && !apple)
    return entry(skip(`rustc supports it only on Linux and macOS, not on ${triple}`), c);
  if (effective.debug === 0) return entry(skip("the profile has no debug info to split (debug = 0)"), c);
  return entry(current === "unpacked" ? skip("equal to the current setting") : c, c);
}
function optimisedDependencies(input) {
  const { profile, effective } = input;
  const c = candidate(
    profile,
    "dependencies-opt-level-1",
    ["opt-level", 1, anyPackage(profile)],
    ["cold", "coldCpu", "memory", "size"],
    "dependencies compile with optimisation: a longer cold build for faster tests and runs (runtime: see advise-run)"
  );
  const packages = effective.package ?? {};
  const current = packages["*"]?.["opt-level"];
  if (!input.hasDependencies) return entry(skip("the workspace has no dependencies from a registry or git"), c);
  if (effective["opt-level"] !== "0")
    return entry(skip(`the profile optimises every crate already (opt-level = ${String(effective["opt-level"])})`), c);
  return entry(
    current !== void 0 && current !== "0" ? skip(`dependencies are optimised already (opt-level = ${String(current)})`) : c,
    c
  );
}
function codegenUnits(input, current, kind) {
  const target = kind === "dev" ? current > 16 ? 16 : 256 : current === 1 ? 16 : 1;
  const better = target < current;
  const note = better ? "fewer code generation units: less parallel code generation, better optimised code" : "more code generation units: more parallel code generation, less optimised code";
  const costs = kind === "release" ? better ? COST_OF_BUILDING : COST_OF_CODE : [];
  const c = candidate(input.profile, `codegen-units-${target}`, ["codegen-units", target], costs, note);
  return entry(c, c);
}
function incrementalOff(input) {
  const c = candidate(
    input.profile,
    "incremental-false",
    ["incremental", false],
    [],
    "no incremental cache in target/ (smaller, and nothing to gain in CI from a fresh checkout)"
  );
  const variable = input.env.CARGO_INCREMENTAL;
  if (variable !== void 0)
    return entry(skip(`CARGO_INCREMENTAL=${variable} in the environment overrides the profile's setting`), c);
  return entry(input.effective.incremental === false ? skip("equal to the current setting") : c, c);
}
function releaseLevers(input) {
  const { profile, effective } = input;
  const lto = effective.lto;
  const ltoLever = (value) => {
    const off = value === false;
    const c = candidate(
      profile,
      `lto-${String(value)}`,
      ["lto", value],
      off ? COST_OF_CODE : COST_OF_BUILDING,
      off ? "no link-time optimisation across crates: the code may run slower (runtime: see advise-run)" : "link-time optimisation across crates: longer builds for faster, smaller code (runtime: see advise-run)"
    );
    return entry(lto === value ? skip("equal to the current setting") : c, c);
  };
  const strip = candidate(
    profile,
    "strip-true",
    ["strip", true],
    [],
    "no symbol names: backtraces and profilers show addresses"
  );
  return [
    ltoLever(false),
    ltoLever("thin"),
    ltoLever("fat"),
    codegenUnits(input, effective["codegen-units"], "release"),
    entry(effective.strip === "symbols" ? skip("equal to the current setting") : strip, strip)
  ];
}

// src/advise/model.ts
var ADVICE_METRICS = ["cold", "coldCpu", "warm", "memory", "size", "runtime"];

// src/advise/judge.ts
var MIN_ROUNDS = 2;
var WALL = {
  sampleFloor: SAMPLE_FLOORS.wall,
  band: DEFAULT_THRESHOLDS.wall,
  absolute: ABSOLUTE_FLOORS.wall
};
var CPU = { sampleFloor: SAMPLE_FLOORS.cpu, band: DEFAULT_THRESHOLDS.cpu, absolute: ABSOLUTE_FLOORS.cpu };
var SPECS = {
  cold: WALL,
  coldCpu: CPU,
  warm: WALL,
  // A rustc process's peak memory moves by a few percent run to run; 8 MiB is below anything worth a setting.
  memory: { sampleFloor: 0.05, band: 0.1, absolute: 8 * 1024 },
  // Bytes are exact, but a change under 1% is no reason to change a setting.
  size: { sampleFloor: 0.01, band: 0.01, absolute: 0, exact: true },
  runtime: WALL
};
var pct = (x) => `${(x * 100).toFixed(1)}%`;
function judgeMetric(metric, base, head) {
  if (base.length === 0 || head.length === 0)
    return { effect: "not-measured", change: null, base: null, head: null, why: "not measured" };
  const spec = SPECS[metric];
  const [b, h] = [side(base), side(head)];
  const shown = { change: b.value > 0 ? h.value / b.value - 1 : null, base: b.value, head: h.value };
  const change = shown.change;
  if (change === null) return { effect: "inconclusive", ...shown, why: "the current settings measured 0" };
  if (spec.exact && b.min === b.max && h.min === h.max) {
    if (Math.abs(change) < spec.band)
      return { effect: "no-effect", ...shown, why: change === 0 ? "identical" : `under ${pct(spec.band)}` };
    return { effect: change < 0 ? "better" : "worse", ...shown, why: "exact" };
  }
  const rounds = Math.min(b.samples, h.samples);
  if (rounds < MIN_ROUNDS)
    return { effect: "inconclusive", ...shown, why: `${rounds} round per side; a claim needs ${MIN_ROUNDS}` };
  const noise = Math.max(spec.sampleFloor, sampleNoise(b, h));
  if (Math.abs(change) > noise && Math.abs(h.value - b.value) >= spec.absolute && samplesSeparate(b, h))
    return { effect: change < 0 ? "better" : "worse", ...shown, why: `beyond the noise (\xB1${pct(noise)})` };
  const [low, high] = [(1 + change) / (1 + noise) - 1, (1 + change) * (1 + noise) - 1];
  const reach = Math.max(-low, high);
  if (reach <= spec.band) return { effect: "no-effect", ...shown, why: `within \xB1${pct(spec.band)}` };
  if (reach * b.value < spec.absolute)
    return { effect: "no-effect", ...shown, why: "under what can be timed reliably" };
  return {
    effect: "inconclusive",
    ...shown,
    why: `the samples allow anything from ${formatChange(low)} to ${formatChange(high)}`
  };
}
function goalsOf(kind, runtimeMeasured) {
  if (kind === "dev") return ["warm", "cold"];
  return runtimeMeasured ? ["runtime"] : ["coldCpu", "size"];
}
function judgeCandidate(candidate2, current, samples, goals) {
  const metrics = Object.fromEntries(
    ADVICE_METRICS.map((m) => [m, judgeMetric(m, current[m], samples[m])])
  );
  const goal = goals.find((m) => metrics[m].effect === "better") ?? null;
  const worse = ADVICE_METRICS.filter((m) => metrics[m].effect === "worse" && !candidate2.costs.includes(m));
  const verdict = verdictOf(metrics, goals, goal, worse);
  return { verdict, metrics, goal, worse };
}
function verdictOf(metrics, goals, goal, worse) {
  if (goal) return worse.length ? "trade-off" : "win";
  const measured = goals.filter((m) => metrics[m].effect !== "not-measured");
  if (worse.length || measured.some((m) => metrics[m].effect === "worse")) return "worse";
  if (measured.length > 0 && measured.every((m) => metrics[m].effect === "no-effect")) return "no-effect";
  return "inconclusive";
}
function adopted(results) {
  const gain = (r) => r.metrics[r.goal].change ?? 0;
  const taken = /* @__PURE__ */ new Set();
  const winners = [];
  const leftOut = [];
  for (const r of results.filter((x) => x.verdict === "win").sort((a, b) => gain(a) - gain(b))) {
    const keys = r.settings.map((s) => JSON.stringify([...s.table, s.key]));
    if (keys.some((k) => taken.has(k))) leftOut.push(r);
    else {
      keys.forEach((k) => taken.add(k));
      winners.push(r);
    }
  }
  return { winners, leftOut };
}

// src/advise/advice.ts
var ADVICE_SCHEMA = "watchmaker/advice";
var ADVICE_VERSION = 1;
function assembleAdvice(parts) {
  const { measured, ...rest } = parts;
  const candidates = measured.map(({ candidate: candidate2, samples, problem }) => {
    const judged = judgeCandidate(candidate2, parts.current.samples, samples, parts.goals);
    return { ...candidate2, ...judged, samples, ...problem === null ? {} : { verdict: "failed", problem } };
  });
  const { winners, leftOut } = adopted(candidates);
  const settings = winners.flatMap((w) => w.settings);
  return {
    schema: ADVICE_SCHEMA,
    version: ADVICE_VERSION,
    ...rest,
    candidates,
    adopt: { settings, toml: settings.length ? tomlSnippet(settings) : null, leftOut: leftOut.map((c) => c.id) }
  };
}

// src/advise/checkout.ts
import { copyFileSync, existsSync } from "node:fs";
import path2 from "node:path";
var NOT_A_CHECKOUT = (dir) => `${dir} is not in a git checkout: the advisor builds HEAD in a scratch worktree, so your files are never edited`;
async function checkoutHead(workingDirectory, workspaceRoot, into, env) {
  const git = (args, cwd) => captureOk("git", args, { cwd, env });
  const top = await capture("git", ["rev-parse", "--show-toplevel"], { cwd: workingDirectory, env });
  if (top.code !== 0) throw new Error(NOT_A_CHECKOUT(workingDirectory));
  const gitRoot = top.stdout.trim();
  const commit = (await git(["rev-parse", "HEAD"], gitRoot)).trim();
  const dirty = (await git(["status", "--porcelain", "--untracked-files=no"], gitRoot)).trim() !== "";
  const worktree = await addWorktree(gitRoot, commit, into, env);
  const lock = path2.join(workspaceRoot, "Cargo.lock");
  if (existsSync(lock) && !path2.relative(gitRoot, lock).startsWith(".."))
    copyFileSync(lock, inWorktree(worktree, lock));
  return { ...worktree, dir: inWorktree(worktree, workingDirectory), commit, dirty };
}
async function readMetadata(dir, env, cargoArgs) {
  const base = ["metadata", "--format-version", "1", "--offline", ...configArgs(cargoArgs)];
  let r = await capture("cargo", base, { cwd: dir, env });
  const full = r.code === 0;
  if (!full) r = await capture("cargo", [...base, "--no-deps"], { cwd: dir, env });
  if (r.code !== 0)
    throw new Error(`cargo metadata failed in the scratch checkout: ${r.stderr.trim().split("\n").at(-1)}`);
  const meta = JSON.parse(r.stdout);
  const memberIds = new Set(meta.workspace_members);
  const hasDependencies = full ? meta.packages.some((p) => p.source !== null) : meta.packages.some((p) => memberIds.has(p.id) && p.dependencies.some((d) => d.path === void 0));
  return { packages: meta.packages, memberIds, hasDependencies };
}
async function fetchDependencies(dir, env, cargoArgs) {
  const args = ["fetch", ...configArgs(cargoArgs)];
  if ((await capture("cargo", [...args, "--offline"], { cwd: dir, env })).code === 0) return true;
  return (await capture("cargo", args, { cwd: dir, env })).code === 0;
}

// src/advise/measure.ts
import { readFileSync as readFileSync4, rmSync as rmSync3, statSync as statSync4, writeFileSync as writeFileSync2 } from "node:fs";
import path10 from "node:path";

// src/timings/index.ts
import { copyFileSync as copyFileSync3, existsSync as existsSync5, mkdirSync as mkdirSync2, readFileSync as readFileSync3, statSync as statSync3 } from "node:fs";
import path9 from "node:path";

// src/timings/cargo.ts
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

// src/timings/messages.ts
import path3 from "node:path";
function parsePackageId(id) {
  const old = /^(\S+) (\S+) \(([^+)]+)\+.*\)$/.exec(id);
  if (old) return { name: old[1], version: old[2], source: old[3] };
  const hash = id.lastIndexOf("#");
  if (hash === -1) return { name: id, version: null, source: null };
  const url = id.slice(0, hash);
  const fragment = id.slice(hash + 1);
  const source = /^([a-z]+)\+/.exec(url)?.[1] ?? null;
  const at = fragment.lastIndexOf("@");
  if (at !== -1) return { name: fragment.slice(0, at), version: fragment.slice(at + 1), source };
  const pathPart = url.replace(/^[a-z]+\+[a-z]+:\/\//, "").replace(/\?.*$/, "").replace(/\/+$/, "");
  const lastSegment = pathPart.slice(pathPart.lastIndexOf("/") + 1);
  if (/^\d+\.\d+/.test(fragment)) return { name: lastSegment, version: fragment, source };
  return { name: fragment, version: null, source };
}
function jsonMessage(line) {
  try {
    const parsed = JSON.parse(line);
    const ok = parsed && typeof parsed === "object" && typeof parsed.reason === "string";
    return ok ? parsed : null;
  } catch {
    return null;
  }
}
function parseCargoMessage(line, into) {
  const trimmed = line.trim();
  if (!trimmed) return;
  const msg = jsonMessage(trimmed);
  if (!msg) {
    into.otherLines.push(line);
    return;
  }
  const packageId = typeof msg.package_id === "string" ? msg.package_id : "";
  switch (msg.reason) {
    case "compiler-artifact": {
      const target = msg.target ?? {};
      into.artifacts.push({
        packageId,
        package: parsePackageId(packageId),
        targetName: typeof target.name === "string" ? target.name : "",
        targetKinds: Array.isArray(target.kind) ? target.kind.map(String) : [],
        filenames: Array.isArray(msg.filenames) ? msg.filenames.map(String) : [],
        executable: typeof msg.executable === "string" ? msg.executable : null,
        fresh: msg.fresh === true,
        test: msg.profile?.test === true,
        manifestDir: typeof msg.manifest_path === "string" ? path3.dirname(msg.manifest_path) : null
      });
      into.onArtifact?.(into.artifacts.at(-1));
      break;
    }
    case "build-script-executed":
      into.buildScripts.push({
        packageId,
        package: parsePackageId(packageId),
        outDir: typeof msg.out_dir === "string" ? msg.out_dir : null
      });
      break;
    case "build-finished":
      into.finished = msg.success === true;
      break;
    case "compiler-message":
      into.firstError ??= compilerError(msg, packageId);
      break;
    default:
      break;
  }
}
function partlyFreshCrates(messages, measured) {
  const seen = /* @__PURE__ */ new Map();
  for (const a of messages.artifacts) {
    if (!measured(a.package) || a.test || a.targetKinds.includes("custom-build")) continue;
    const key = crateKey(a.package.name, a.package.version);
    const s = seen.get(key) ?? { fresh: false, compiled: false };
    if (a.fresh) s.fresh = true;
    else s.compiled = true;
    seen.set(key, s);
  }
  return new Set([...seen].filter(([, s]) => s.fresh && s.compiled).map(([key]) => key));
}
function localPackagesOf(messages, ranFor, known) {
  const local = /* @__PURE__ */ new Set();
  for (const m of [...messages.artifacts, ...messages.buildScripts])
    if (m.package.source === "path") local.add(m.package.name);
  for (const name of ranFor) if (known.has(name)) local.add(name);
  return local;
}
function parseCargoStderr(line, into) {
  const plain = line.replace(/\u001b\[[0-9;]*m/g, "");
  const gaveUp = /^error: could not compile `([^`]+)`/.exec(plain);
  if (gaveUp) {
    if (into.firstError && !into.firstError.crate) into.firstError.crate = gaveUp[1];
    into.errorOpen = false;
  } else if (into.errorOpen) {
    if (plain.trim() === "") into.errorOpen = false;
    else into.firstError.text += `
${plain}`;
  } else if (!into.firstError && /^error(\[E\d+\])?: /.test(plain)) {
    into.firstError = { crate: "", text: plain };
    into.errorOpen = true;
  }
}
function compilerError(msg, packageId) {
  const message = msg.message ?? {};
  if (message.level !== "error") return void 0;
  const text = typeof message.rendered === "string" ? message.rendered : typeof message.message === "string" ? message.message : "";
  return text ? { crate: parsePackageId(packageId).name, text } : void 0;
}
function emptyMessages() {
  return { artifacts: [], buildScripts: [], finished: null, otherLines: [] };
}
function artifactsOf(messages) {
  const artifacts = /* @__PURE__ */ new Set();
  for (const a of messages.artifacts) {
    for (const f of a.filenames) artifacts.add(f);
    if (a.executable) artifacts.add(a.executable);
  }
  for (const b of messages.buildScripts) if (b.outDir) artifacts.add(b.outDir);
  return [...artifacts];
}

// src/timings/cargo.ts
var FORWARDED = ["SIGINT", "SIGTERM"];
function runCargo(program, args, options, messages, log) {
  return new Promise((resolve, reject) => {
    const windows = process.platform === "win32";
    const child = spawn(program, args, {
      ...options,
      stdio: ["ignore", "pipe", "pipe"],
      detached: !windows,
      windowsHide: true
    });
    let interruptedBy = null;
    const forward = (signal) => {
      interruptedBy = signal;
      log(`Watchmaker: received ${signal}; stopping the build (cargo and everything it started).`);
      if (child.pid) stopBuild(child.pid, signal, process.platform);
    };
    for (const s of FORWARDED) process.on(s, forward);
    const unhook = () => FORWARDED.forEach((s) => process.off(s, forward));
    child.on("error", (e) => {
      unhook();
      reject(e.code === "ENOENT" ? notFound(program, options.cwd) : e);
    });
    const stdoutDone = new Promise(
      (r) => createInterface({ input: child.stdout }).on("line", (line) => parseCargoMessage(line, messages)).on("close", r)
    );
    const stderrDone = new Promise(
      (r) => createInterface({ input: child.stderr }).on("line", (line) => {
        parseCargoStderr(line, messages);
        log(line);
      }).on("close", r)
    );
    child.on("close", (code, signal) => {
      unhook();
      void Promise.all([stdoutDone, stderrDone]).then(
        () => resolve({ exitCode: code ?? (signal ? 128 : 1), interruptedBy })
      );
    });
  });
}
function stopCommand(pid, platform) {
  return platform === "win32" ? { program: "taskkill", args: ["/PID", String(pid), "/T", "/F"] } : { group: pid };
}
function stopBuild(pid, signal, platform) {
  const how = stopCommand(pid, platform);
  if ("program" in how) {
    spawn(how.program, how.args, { stdio: "ignore", windowsHide: true }).on("error", () => {
    });
    return;
  }
  try {
    process.kill(-how.group, signal);
  } catch {
  }
}

// src/timings/html.ts
function extractArray(html, name, warnings) {
  const re = new RegExp(`^(?:const|let|var) ${name} = (\\[\\]|\\[[\\s\\S]*?^\\]);\\s*$`, "m");
  const m = re.exec(html);
  if (!m) {
    warnings.push(`no ${name} array found in the timings report`);
    return null;
  }
  try {
    const parsed = JSON.parse(m[1]);
    if (Array.isArray(parsed)) return parsed;
    warnings.push(`${name} in the timings report is not an array`);
  } catch (e) {
    warnings.push(`${name} in the timings report is not valid JSON (${e.message})`);
  }
  return null;
}
var decodeEntities = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");
var textOf = (cell) => decodeEntities(cell.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]+>/g, "")).trim();
function unitKind(target, mode) {
  const t = target.toLowerCase();
  if (mode === "run-custom-build" || /build[- ]script \(run\)/.test(t)) return "build-script-run";
  if (/build[- ]script/.test(t)) return "build-script";
  if (t.includes("(test)") || t.includes("(doc test)")) return "test";
  if (t.includes("(doc)")) return "doc";
  if (t.includes('"bin"') || /\bbin "/.test(t)) return "bin";
  if (t.includes('"example"') || /\bexample "/.test(t)) return "example";
  if (t.includes('"bench"') || /\bbench "/.test(t)) return "bench";
  if (t.trim() === "" || t.includes("(check)") || t.includes("lib")) return "lib";
  return "other";
}
var num = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
var ints = (v) => Array.isArray(v) ? v.filter((x) => typeof x === "number") : [];
function parseUnit(raw, position, warnings) {
  if (!raw || typeof raw !== "object") return null;
  const u = raw;
  const start = num(u.start);
  const duration = num(u.duration);
  if (typeof u.name !== "string" || start === null || duration === null) {
    if (warnings.length < 5) warnings.push(`UNIT_DATA entry ${position} lacks name/start/duration; skipped`);
    return null;
  }
  let rmetaTime = num(u.rmeta_time);
  if (rmetaTime === null && Array.isArray(u.sections)) {
    for (const section of u.sections) {
      if (Array.isArray(section) && section[0] === "frontend" && section[1] && typeof section[1] === "object")
        rmetaTime = num(section[1].end);
    }
  }
  const target = typeof u.target === "string" ? u.target : "";
  const mode = typeof u.mode === "string" ? u.mode : null;
  return {
    id: num(u.i) ?? position,
    name: u.name,
    version: typeof u.version === "string" && u.version !== "N/A" ? u.version : null,
    target,
    kind: unitKind(target, mode),
    start,
    duration,
    rmetaTime,
    unblocked: ints(u.unblocked_units ?? u.unlocked_units),
    unblockedRmeta: ints(u.unblocked_rmeta_units ?? u.unlocked_rmeta_units),
    ran: !(start === 0 && duration === 0)
  };
}
function parseSummary(html) {
  const summary2 = {
    profile: null,
    freshUnits: null,
    dirtyUnits: null,
    totalUnits: null,
    totalSeconds: null,
    rustc: null,
    maxConcurrency: null,
    buildStart: null,
    error: null
  };
  const table2 = /<table[^>]*summary-table[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? html;
  const row = /<td[^>]*>([^<]*?):<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/g;
  const int = (s) => /^\d+$/.test(s) ? Number(s) : null;
  for (let m = row.exec(table2); m; m = row.exec(table2)) {
    const label = m[1].trim().toLowerCase();
    const value = textOf(m[2]);
    if (label === "profile") summary2.profile = value;
    else if (label === "fresh units") summary2.freshUnits = int(value);
    else if (label === "dirty units") summary2.dirtyUnits = int(value);
    else if (label === "total units") summary2.totalUnits = int(value);
    else if (label === "total time")
      summary2.totalSeconds = Number.parseFloat(value) || (value.startsWith("0") ? 0 : null);
    else if (label === "rustc") summary2.rustc = value.split("\n")[0].trim();
    else if (label === "max concurrency") summary2.maxConcurrency = value;
    else if (label === "build start") summary2.buildStart = value;
    else if (label === "error") summary2.error = value;
  }
  return summary2;
}
function parseTimingsHtml(html) {
  const warnings = [];
  const rawUnits = extractArray(html, "UNIT_DATA", warnings);
  const units = (rawUnits ?? []).map((u, i) => parseUnit(u, i, warnings)).filter((u) => u !== null);
  const cpuUsage = (extractArray(html, "CPU_USAGE", warnings) ?? []).filter((p) => Array.isArray(p) && typeof p[0] === "number" && typeof p[1] === "number").map(([t, pct2]) => [t, pct2]);
  const summary2 = parseSummary(html);
  if (summary2.totalSeconds === null) warnings.push('no "Total time" in the timings summary');
  return { units, summary: summary2, cpuUsage, warnings };
}
function criticalPath(units) {
  const ran = units.filter((u) => u.ran);
  if (ran.length === 0) return null;
  const byId = new Map(ran.map((u) => [u.id, u]));
  const unblockedBy = /* @__PURE__ */ new Map();
  for (const u of ran) {
    for (const id of u.unblocked)
      (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)).push({ from: u, at: u.start + u.duration });
    for (const id of u.unblockedRmeta)
      (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)).push({
        from: u,
        at: u.start + (u.rmetaTime ?? u.duration)
      });
  }
  let current = ran.reduce((a, b) => b.start + b.duration > a.start + a.duration ? b : a);
  const end = current.start + current.duration;
  const chain = [current];
  const seen = /* @__PURE__ */ new Set([current.id]);
  for (; ; ) {
    const preds = (unblockedBy.get(current.id) ?? []).filter((p) => byId.has(p.from.id) && !seen.has(p.from.id));
    if (preds.length === 0) break;
    current = preds.reduce((a, b) => b.at > a.at ? b : a).from;
    seen.add(current.id);
    chain.unshift(current);
  }
  return { seconds: Math.round((end - chain[0].start) * 100) / 100, units: chain };
}

// src/timings/assemble.ts
import os from "node:os";
function parseWrapperUnits(text) {
  const out = [];
  const unreadable = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const u = JSON.parse(line);
      const n = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
      out.push({
        crateName: String(u.crate_name ?? ""),
        crateTypes: String(u.crate_types ?? "").split(",").filter(Boolean),
        test: u.test === true,
        package: String(u.package || u.crate_name || ""),
        version: typeof u.version === "string" && u.version !== "" ? u.version : null,
        manifestDir: String(u.manifest_dir ?? ""),
        start: n(u.start) ?? 0,
        end: n(u.end) ?? 0,
        user: n(u.user),
        sys: n(u.sys),
        maxRssKiB: n(u.max_rss_kib),
        instructions: n(u.instructions),
        exit: n(u.exit) ?? 0
      });
    } catch {
      unreadable.push(line);
    }
  }
  return { units: out, unreadable };
}
function wrapperKind(u) {
  if (u.crateName.startsWith("build_script_")) return "build-script";
  if (u.test) return "test";
  if (u.crateTypes.includes("proc-macro")) return "proc-macro";
  if (u.crateTypes.includes("bin")) return "bin";
  return "lib";
}
var round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
function buildRunRecord(input) {
  const units = unitsOf(input);
  const crates = cratesOf(units).map((c) => ({
    ...c,
    inputFingerprint: input.fingerprints?.get(crateKey(c.crate, c.version)) ?? null,
    contention: input.wrapperUnits ? contentionOf(units, c.crate) : null,
    ...input.compileWork && (c.workspaceMember || input.compileWorkScope === "all") ? workOf(input, c) : {}
  }));
  const path14 = input.timings ? criticalPath(input.timings.units) : null;
  const label = (t) => `${t.name}${t.version ? ` ${t.version}` : ""} (${t.kind})`;
  const totals = totalsOf(input, units);
  return {
    schema: RECORD_SCHEMA,
    version: RECORD_SCHEMA_VERSION,
    createdAt: (input.now ?? /* @__PURE__ */ new Date()).toISOString(),
    git: {
      commit: input.commit,
      ref: input.context.ref,
      baseRef: input.context.pullRequest?.baseRef ?? null,
      eventName: input.context.eventName
    },
    repository: input.context.repository,
    runUrl: input.context.runUrl,
    job: input.context.job,
    profile: input.profile,
    flagsHash: input.flagsHash,
    targetTriple: input.targetTriple,
    toolchain: { ...pick(input.rustc, "release", "commitHash", "host"), cargo: input.cargoVersion },
    runner: runnerInfo(),
    command: input.command,
    success: input.exitCode === 0 && input.messages.finished !== false,
    exitCode: input.exitCode,
    ...input.messages.firstError ? { firstError: input.messages.firstError } : {},
    totals,
    criticalPath: path14 ? { seconds: path14.seconds, units: path14.units.map(label) } : null,
    parallelism: parallelismOf(input.timings, os.cpus().length, cpuByUnit(units)),
    units,
    crates,
    workspaceMembers: [...input.workspaceMembers].sort(),
    freshCrates: freshCratesOf(input, crates),
    timingsHtml: input.timingsHtml,
    calibration: input.calibration ?? null,
    measurement: measurementOf(input, totals)
  };
}
var pick = (o, ...keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));
function measurementOf(input, totals) {
  return {
    wrapper: input.wrapperUnits !== null,
    perf: input.perf && totals.instructions !== null,
    timingsHtmlParsed: input.timings !== null && input.timings.units.length > 0,
    buildDirLayout: layoutOfArtifacts(artifactsOf(input.messages)),
    compileWork: input.compileWork != null ? "machine-code" : false,
    ...input.compileWork != null && input.compileWorkScope === "all" ? { compileWorkScope: "all" } : {},
    ...input.compileWork == null && input.compileWorkNote ? { compileWorkNote: input.compileWorkNote } : {},
    ...input.inputsTransitive ? { inputsTransitive: true } : {}
  };
}
function contentionOf(units, crate) {
  const own2 = units.filter((u) => u.crate === crate && u.startSeconds !== null && u.kind !== "build-script-run");
  const others = units.filter((u) => u.crate !== crate && u.startSeconds !== null && u.kind !== "build-script-run");
  const wall = own2.reduce((a, u) => a + u.wallSeconds, 0);
  if (wall <= 0) return null;
  let overlap = 0;
  for (const u of own2) {
    const [s, e] = [u.startSeconds, u.startSeconds + u.wallSeconds];
    for (const o of others)
      overlap += Math.max(0, Math.min(e, o.startSeconds + o.wallSeconds) - Math.max(s, o.startSeconds));
  }
  return round(overlap / wall, 2);
}
var compileUnits = (units) => units.filter((u) => u.kind !== "build-script-run");
function runnerInfo() {
  return {
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? null,
    memoryBytes: os.totalmem()
  };
}
function totalsOf(input, units) {
  const compiled = compileUnits(units);
  const cpuMeasured = compiled.length > 0 && compiled.every((u) => u.cpuSeconds !== null);
  const instructionsMeasured = compiled.length > 0 && compiled.every((u) => u.instructions !== null);
  const unitsFresh = input.timings?.summary.freshUnits ?? input.messages.artifacts.filter((a) => a.fresh).length;
  return {
    wallSeconds: round(input.wallSeconds),
    cpuSeconds: cpuMeasured ? round(compiled.reduce((a, u) => a + (u.cpuSeconds ?? 0), 0)) : null,
    instructions: instructionsMeasured ? compiled.reduce((a, u) => a + (u.instructions ?? 0), 0) : null,
    unitsCompiled: units.length,
    unitsFresh,
    unitsTotal: units.length + unitsFresh
  };
}
function workOf(input, c) {
  const key = crateKey(c.crate, c.version);
  const work = input.compileWork?.get(key) ?? null;
  if (work) return { work };
  if (input.unreadableWork?.has(key)) return { work: null, workMissing: "unreadable" };
  if (input.ltoWork?.has(key)) return { work: null, workMissing: "lto" };
  if (input.partlyFresh?.has(key))
    return { work: null, workMissing: "partly-fresh", partialWork: input.partialWork?.get(key) ?? null };
  if (input.wrapperUnits?.some((u) => u.package === c.crate && u.version === c.version && u.exit !== 0))
    return { work: null, workMissing: "failed" };
  return { work: null };
}
function freshCratesOf(input, crates) {
  const compiled = new Set(crates.map((c) => crateKey(c.crate, c.version)));
  const fresh = [];
  for (const [key, inputFingerprint] of input.fingerprints ?? []) {
    const crate = crateOfKey(key);
    const version = key.slice(crate.length + 1) || null;
    const member = input.workspaceMembers.has(crate);
    if ((member || input.compileWorkScope === "all") && !compiled.has(key))
      fresh.push({ crate, version, workspaceMember: member, inputFingerprint, work: null });
  }
  return fresh.sort((a, b) => a.crate.localeCompare(b.crate) || (a.version ?? "").localeCompare(b.version ?? ""));
}
function unitsOf(input) {
  const member = (name) => input.workspaceMembers.has(name);
  const units = (input.wrapperUnits ?? []).map((u) => ({
    crate: u.package,
    version: u.version,
    kind: wrapperKind(u),
    target: u.crateName,
    workspaceMember: member(u.package),
    wallSeconds: round(Math.max(0, u.end - u.start)),
    cpuSeconds: u.user === null || u.sys === null ? null : round(u.user + u.sys),
    peakRssKiB: u.maxRssKiB,
    instructions: u.instructions,
    startSeconds: round(Math.max(0, u.start - input.startedAtMs / 1e3), 2)
  }));
  for (const t of input.timings?.units ?? []) {
    if (!t.ran || input.wrapperUnits && t.kind !== "build-script-run" && t.kind !== "doc") continue;
    units.push({
      crate: t.name,
      version: t.version,
      kind: t.kind,
      target: t.target.trim(),
      workspaceMember: member(t.name),
      wallSeconds: t.duration,
      cpuSeconds: null,
      peakRssKiB: null,
      instructions: null,
      startSeconds: t.start
    });
  }
  return units.sort((a, b) => (a.startSeconds ?? 0) - (b.startSeconds ?? 0));
}
function cratesOf(units) {
  const byCrate = /* @__PURE__ */ new Map();
  for (const u of units) {
    const key = crateKey(u.crate, u.version);
    const c = byCrate.get(key) ?? {
      crate: u.crate,
      version: u.version,
      workspaceMember: u.workspaceMember,
      units: 0,
      wallSeconds: 0,
      cpuSeconds: null,
      instructions: null,
      peakRssKiB: null
    };
    c.units += 1;
    c.wallSeconds = round(c.wallSeconds + u.wallSeconds);
    if (u.cpuSeconds !== null) c.cpuSeconds = round((c.cpuSeconds ?? 0) + u.cpuSeconds);
    if (u.instructions !== null) c.instructions = (c.instructions ?? 0) + u.instructions;
    if (u.peakRssKiB !== null) c.peakRssKiB = Math.max(c.peakRssKiB ?? 0, u.peakRssKiB);
    byCrate.set(key, c);
  }
  return [...byCrate.values()].sort((a, b) => (b.cpuSeconds ?? b.wallSeconds) - (a.cpuSeconds ?? a.wallSeconds));
}
function cpuByUnit(units) {
  const byKey = /* @__PURE__ */ new Map();
  for (const u of units) {
    const key = `${u.crate}\0${u.kind === "proc-macro" ? "lib" : u.kind}`;
    byKey.set(key, byKey.has(key) ? null : u.cpuSeconds);
  }
  return (u) => byKey.get(`${u.name}\0${u.kind}`) ?? null;
}

// src/timings/wrapper.ts
import {
  chmodSync,
  copyFileSync as copyFileSync2,
  existsSync as existsSync2,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync
} from "node:fs";
import path4 from "node:path";

// src/toolchain.ts
function parseRustcVersion(text) {
  const field = (name) => {
    const m = new RegExp(`^${name}: (.+)$`, "m").exec(text);
    return m ? m[1].trim() : null;
  };
  const release = field("release");
  const host = field("host");
  if (!release || !host) throw new Error(`Could not read 'release' and 'host' from rustc -vV output:
${text}`);
  return {
    release,
    host,
    commitHash: field("commit-hash"),
    commitDate: field("commit-date"),
    llvm: field("LLVM version"),
    raw: text.trim()
  };
}
function parseCfg(text) {
  const out = [];
  for (const line of text.split("\n")) {
    const l = line.trim();
    if (!l) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:="(.*)")?$/.exec(l);
    if (m) out.push([m[1], m[2] ?? null]);
  }
  return out;
}
function rustcCommand(env = process.env) {
  return env.RUSTC || "rustc";
}
async function probeRustcVersion(cwd, env = process.env) {
  return parseRustcVersion(await captureOk(rustcCommand(env), ["-vV"], { cwd, env }));
}
async function probeCfg(cwd, flags, target, env = process.env) {
  const args = [...flags, "--print", "cfg", ...target ? ["--target", target] : []];
  return parseCfg(await captureOk(rustcCommand(env), args, { cwd, env }));
}

// src/timings/wrapper.ts
var WRAPPER_NOT_STRING = (file) => `build.rustc-wrapper in ${file} is not a string, so it is not chained in the timed build; cargo rejects it too.`;
var NO_WRAPPER = (problem) => `Watchmaker could not build its rustc wrapper (tools/rustc-wrapper/main.rs): ${problem}. This build is timed without it: each crate's wall time comes from cargo's timings report, with no CPU time or peak memory.`;
var NOT_KEPT = (dir, reason) => `Watchmaker: the rustc wrapper was not copied into ${dir} for later jobs (${reason}); the next job builds it again.`;
function userWrapper(env, cargoConfig) {
  if (env.RUSTC_WRAPPER !== void 0) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== void 0) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  const v = configValue(cargoConfig, ["build", "rustc-wrapper"]);
  if (v === void 0 || v.value === "") return null;
  if (typeof v.value !== "string") {
    warning(logText(WRAPPER_NOT_STRING(v.file)));
    return null;
  }
  return v.value.includes("/") ? path4.resolve(path4.dirname(path4.dirname(v.file)), v.value) : v.value;
}
function wrapperFiles(scratch) {
  return { unitsFile: `${scratch}.units.jsonl` };
}
var WRAPPER_SOURCE_NAME = "rustc-wrapper.rs";
var TARGET_WRAPPER_DIR = ".watchmaker";
var BINARY = /^rustc-wrapper-[0-9a-f]{16}(\.exe)?$/;
function wrapperSource(given) {
  const dir = path4.dirname(given);
  const candidates = [
    ...given.endsWith(".rs") ? [given] : [],
    path4.join(dir, WRAPPER_SOURCE_NAME),
    path4.join(dir, "..", WRAPPER_SOURCE_NAME),
    path4.resolve(dir, "../../tools/rustc-wrapper/main.rs")
  ];
  return candidates.find((c) => existsSync2(c)) ?? candidates[0];
}
function wrapperBinaryName(rustcVersionText, source, platform = process.platform) {
  return `rustc-wrapper-${shortHash(`${rustcVersionText.trim()}
${source}`, 16)}${platform === "win32" ? ".exe" : ""}`;
}
function wrapperPlaces(targetDir, env, ownTempDir, p = path4) {
  const toolCache = env.RUNNER_TOOL_CACHE ? p.join(env.RUNNER_TOOL_CACHE, "watchmaker-rustc-wrapper") : null;
  const temp = p.join(ownTempDir, "bin");
  return {
    search: [p.join(targetDir, TARGET_WRAPPER_DIR), ...toolCache ? [toolCache] : [], temp],
    buildInto: toolCache ?? temp
  };
}
var prepared = /* @__PURE__ */ new Map();
var unbuildable = /* @__PURE__ */ new Set();
async function prepareWrapper(given, ctx) {
  const source = wrapperSource(given);
  let text;
  let rustcText;
  try {
    text = readFileSync(source, "utf8");
    rustcText = await captureOk(rustcCommand(ctx.env), ["-vV"], { cwd: ctx.cwd, env: ctx.env });
  } catch (e) {
    return withoutWrapper(`its source could not be read or rustc did not answer (${e.message})`);
  }
  const name = wrapperBinaryName(rustcText, text);
  if (unbuildable.has(name)) return null;
  const places = wrapperPlaces(ctx.targetDir, ctx.env, ctx.ownTempDir);
  const key = `${name}
${places.search.join("\n")}`;
  const known = await prepared.get(key);
  if (known && existsSync2(known)) return known;
  const found = findOrBuild(source, name, rustcText, places, ctx).then((binary) => {
    if (binary === null) unbuildable.add(name);
    return binary;
  });
  prepared.set(key, found);
  return found;
}
async function findOrBuild(source, name, rustcText, places, ctx) {
  for (const dir of places.search) {
    const candidate2 = path4.join(dir, name);
    if (existsSync2(candidate2) && await answers(candidate2, rustcText, ctx)) {
      ctx.log(`Watchmaker: using the rustc wrapper built before (${candidate2}).`);
      return candidate2;
    }
  }
  const started = process.hrtime.bigint();
  const built = await buildWrapper(source, places.buildInto, name, ctx);
  if (typeof built !== "string") return withoutWrapper(built.problem);
  if (!await answers(built, rustcText, ctx)) return withoutWrapper(`the program built (${built}) did not run rustc`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  ctx.log(`Watchmaker: built the rustc wrapper in ${seconds.toFixed(1)} s with the runner's rustc (${built}).`);
  return built;
}
async function answers(binary, rustcText, ctx) {
  const env = { ...ctx.env, WATCHMAKER_UNITS_FILE: "", WATCHMAKER_INNER_WRAPPER: "" };
  const r = await capture(binary, [rustcCommand(ctx.env), "-vV"], { cwd: ctx.cwd, env }).catch(() => null);
  return r?.code === 0 && r.stdout.trim() === rustcText.trim();
}
async function buildWrapper(source, dir, name, ctx) {
  const work = path4.join(dir, `.build-${process.pid}`);
  try {
    mkdirSync(work, { recursive: true });
    const args = ["--edition", "2021", "-C", "opt-level=2", "-o", path4.join(work, name), source];
    const r = await capture(rustcCommand(ctx.env), args, { cwd: ctx.cwd, env: ctx.env });
    if (r.code !== 0) {
      debug(r.stderr);
      const first = r.stderr.trim().split("\n").slice(0, 4).join(" ");
      return { problem: `rustc failed with exit code ${r.code}: ${first}` };
    }
    renameSync(path4.join(work, name), path4.join(dir, name));
    return path4.join(dir, name);
  } catch (e) {
    debug(e.stack ?? String(e));
    if (existsSync2(path4.join(dir, name))) return path4.join(dir, name);
    return { problem: e.message };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
function withoutWrapper(problem) {
  warning(logText(NO_WRAPPER(problem)));
  return null;
}
async function setUpWrapper(given, files, buildEnv, ctx) {
  const binary = await prepareWrapper(given, ctx);
  if (binary === null) return null;
  installWrapper(binary, files, buildEnv, ctx.cargoConfig);
  return { binary, keep: () => keepWrapper(binary, ctx.targetDir, ctx.log) };
}
function installWrapper(binary, files, buildEnv, cargoConfig) {
  rmSync(files.unitsFile, { force: true });
  Object.assign(buildEnv, {
    RUSTC_WRAPPER: binary,
    WATCHMAKER_UNITS_FILE: files.unitsFile,
    WATCHMAKER_INNER_WRAPPER: userWrapper(buildEnv, cargoConfig) ?? ""
  });
  delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
}
var CACHEDIR_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55";
function keepWrapper(binary, targetDir, log) {
  const dir = path4.join(targetDir, TARGET_WRAPPER_DIR);
  const name = path4.basename(binary);
  if (path4.dirname(binary) === dir || !hasCargoTag(targetDir)) return;
  try {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir))
      if (BINARY.test(old) && old !== name) rmSync(path4.join(dir, old), { force: true });
    if (statSync(path4.join(dir, name), { throwIfNoEntry: false })?.size === statSync(binary).size) return;
    const partial = path4.join(dir, `.${name}.${process.pid}`);
    copyFileSync2(binary, partial);
    chmodSync(partial, 493);
    renameSync(partial, path4.join(dir, name));
  } catch (e) {
    log(NOT_KEPT(dir, e.message));
  }
}
function hasCargoTag(dir) {
  try {
    return readFileSync(path4.join(dir, "CACHEDIR.TAG"), "utf8").startsWith(CACHEDIR_SIGNATURE);
  } catch {
    return false;
  }
}

// src/timings/calibration.ts
import { existsSync as existsSync3, mkdtempSync, readFileSync as readFileSync2, rmSync as rmSync2, writeFileSync } from "node:fs";
import os2 from "node:os";
import path5 from "node:path";
var SOURCE = `
use std::collections::BTreeMap;
use std::fmt::Debug;
pub trait Shape: Debug + Clone { fn area(&self) -> f64; fn scale(&self, k: f64) -> Self; }
#[derive(Debug, Clone, PartialEq)] pub struct Circle(pub f64);
#[derive(Debug, Clone, PartialEq)] pub struct Rect(pub f64, pub f64);
#[derive(Debug, Clone, PartialEq)] pub struct Tri(pub f64, pub f64, pub f64);
impl Shape for Circle { fn area(&self) -> f64 { 3.14159 * self.0 * self.0 } fn scale(&self, k: f64) -> Self { Circle(self.0 * k) } }
impl Shape for Rect { fn area(&self) -> f64 { self.0 * self.1 } fn scale(&self, k: f64) -> Self { Rect(self.0 * k, self.1 * k) } }
impl Shape for Tri { fn area(&self) -> f64 { let s = (self.0 + self.1 + self.2) / 2.0; (s * (s - self.0) * (s - self.1) * (s - self.2)).sqrt() } fn scale(&self, k: f64) -> Self { Tri(self.0 * k, self.1 * k, self.2 * k) } }
pub fn summary<T: Shape>(items: &[T]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (i, s) in items.iter().enumerate() { out.insert(format!("{i}:{s:?}"), s.scale(1.5).area()); }
    out
}
pub fn sorted<T: PartialOrd + Clone + Debug>(mut v: Vec<T>) -> Vec<T> { v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v }
pub fn run() -> usize {
    let a = summary(&[Circle(1.0), Circle(2.0)]).len();
    let b = summary(&[Rect(1.0, 2.0)]).len();
    let c = summary(&[Tri(3.0, 4.0, 5.0)]).len();
    let d = sorted(vec![3u8, 1, 2]).len() + sorted(vec![3i64, 1]).len() + sorted(vec![1.5f32, 0.5]).len();
    let e = sorted(vec![String::from("b"), String::from("a")]).len() + sorted(vec![(1u16, 'a'), (0, 'b')]).len();
    a + b + c + d + e
}
`;
var RUNS = 3;
async function timedCompile(wrapper, rustc, dir, env) {
  const units = path5.join(dir, "units.jsonl");
  rmSync2(units, { force: true });
  const args = [
    rustc,
    "--crate-name",
    "calib",
    "--edition",
    "2021",
    "--crate-type",
    "lib",
    "-C",
    "opt-level=1",
    "-C",
    "codegen-units=1"
  ];
  args.push("--emit", "obj", "-o", path5.join(dir, "calib.o"), path5.join(dir, "calib.rs"));
  const wrapperEnv = { ...env, WATCHMAKER_UNITS_FILE: units, WATCHMAKER_INNER_WRAPPER: "" };
  const r = await capture(wrapper, args, { cwd: dir, env: wrapperEnv }).catch(() => null);
  if (!r || r.code !== 0 || !existsSync3(units)) return null;
  const line = JSON.parse(readFileSync2(units, "utf8").trim().split("\n").at(-1) ?? "{}");
  return typeof line.user === "number" && typeof line.sys === "number" ? line.user + line.sys : null;
}
async function calibrate(wrapper, rustc, env) {
  const dir = mkdtempSync(path5.join(os2.tmpdir(), "watchmaker-calibration-"));
  try {
    writeFileSync(path5.join(dir, "calib.rs"), SOURCE);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await timedCompile(wrapper, rustc, dir, env);
      if (t === null) return null;
      times.push(t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    return { cpuSeconds: median, runs: RUNS, spread: median > 0 ? (times.at(-1) - times[0]) / median : 0 };
  } finally {
    rmSync2(dir, { recursive: true, force: true });
  }
}

// src/timings/fingerprint.ts
import path6 from "node:path";
function crateFingerprints(messages, git, depInfo = () => null) {
  const units = /* @__PURE__ */ new Map();
  const entry2 = (name, version, source, manifestDir) => {
    const key = crateKey(name, version);
    const e = units.get(key) ?? {
      hashes: /* @__PURE__ */ new Set(),
      dir: manifestDir,
      path: source === "path",
      read: /* @__PURE__ */ new Set()
    };
    e.dir ??= manifestDir;
    units.set(key, e);
    return e;
  };
  for (const a of messages.artifacts) {
    const e = entry2(a.package.name, a.package.version, a.package.source, a.manifestDir);
    for (const f of a.filenames) hashesInPath(f).forEach((h) => e.hashes.add(h));
    const listed = e.path && e.read ? listedFiles(a.filenames, depInfo) : null;
    if (listed) listed.forEach((f) => e.read.add(f));
    else e.read = null;
  }
  for (const b of messages.buildScripts) {
    const e = entry2(b.package.name, b.package.version, b.package.source, null);
    if (b.outDir) hashesInPath(b.outDir).forEach((h) => e.hashes.add(h));
    e.read = null;
  }
  const dirs = [...units.values()].filter((u) => u.path && u.dir).map((u) => u.dir);
  const out = /* @__PURE__ */ new Map();
  for (const [key, u] of units) out.set(key, fingerprintOf(u, git, dirs));
  return out;
}
function listedFiles(filenames, depInfo) {
  for (const f of filenames) {
    const listed = depInfo(f);
    if (listed) return listed;
  }
  return null;
}
function fingerprintOf(unit, git, packageDirs) {
  const parts = [...unit.hashes].sort();
  if (unit.path) {
    const dir = unit.dir;
    if (!git || !dir) return null;
    const files = unit.read ? [...unit.read, path6.join(dir, "Cargo.toml")] : ownFiles(dir, packageDirs, git);
    if (files.some((f) => git.dirty.includes(f))) return null;
    const blobs = [...new Set(files)].map((f) => [f, git.blobs.get(f)]).filter(([, blob]) => blob !== void 0);
    if (blobs.length === 0) return null;
    blobs.sort(([a], [b]) => a.localeCompare(b));
    parts.push(...blobs.map(([f, blob]) => `${path6.relative(dir, f)} ${blob}`));
  }
  return parts.length ? sha256(parts.join("\n")) : null;
}
function ownFiles(dir, packageDirs, git) {
  const inside = (f, d) => f.startsWith(`${d}${path6.sep}`);
  const nested = packageDirs.filter((d) => d !== dir && inside(d, dir));
  const own2 = (f) => inside(f, dir) && !nested.some((d) => inside(f, d));
  return [...git.blobs.keys(), ...git.dirty].filter(own2);
}
function depInfoCandidates(filename) {
  const dir = path6.dirname(filename);
  const stem = path6.basename(filename).replace(/\.(rlib|rmeta|so|dylib|dll|a|lib|exe|wasm)$/, "");
  const names = [`${stem}.d`, ...stem.startsWith("lib") ? [`${stem.slice(3)}.d`] : []];
  return names.map((n) => path6.join(dir, n));
}
function parseDepInfo(text, root) {
  const first = text.split(/\r?\n/).find((l) => /[^\\]: /.test(l) || /[^\\]:$/.test(l));
  if (!first) return [];
  const colon = first.search(/[^\\]: |[^\\]:$/) + 1;
  const names = first.slice(colon + 1).trim().split(/(?<!\\) +/).filter(Boolean).map((n) => n.replace(/\\ /g, " "));
  return names.map((n) => path6.resolve(root, n));
}
function closeOverLocalDeps(own2, graph) {
  const byName = new Map([...own2.keys()].map((key) => [crateOfKey(key), key]));
  const closed = /* @__PURE__ */ new Map();
  const visiting = /* @__PURE__ */ new Set();
  const close = (key) => {
    if (closed.has(key)) return closed.get(key);
    const deps = (graph.get(crateOfKey(key)) ?? []).filter((d) => byName.has(d));
    if (visiting.has(key) || own2.get(key) == null) return null;
    visiting.add(key);
    const parts = deps.map((d) => close(byName.get(d)));
    visiting.delete(key);
    const fp = parts.includes(null) ? null : deps.length ? sha256([own2.get(key), ...parts].join("\n")) : own2.get(key);
    closed.set(key, fp);
    return fp;
  };
  for (const key of own2.keys()) closed.set(key, graph.has(crateOfKey(key)) ? close(key) : own2.get(key));
  return closed;
}
async function gitFiles(dir, env) {
  const staged = await capture("git", ["ls-files", "-s", "-z"], { cwd: dir, env }).catch(() => null);
  if (!staged || staged.code !== 0) return null;
  const dirtyRun = await capture("git", ["ls-files", "-z", "-m", "-o", "--exclude-standard"], { cwd: dir, env }).catch(
    () => null
  );
  if (!dirtyRun || dirtyRun.code !== 0) return null;
  const blobs = /* @__PURE__ */ new Map();
  for (const entry2 of staged.stdout.split("\0")) {
    const m = /^\d+ ([0-9a-f]+) \d+\t(.+)$/s.exec(entry2);
    if (m) blobs.set(path6.resolve(dir, m[2]), m[1]);
  }
  return {
    blobs,
    dirty: dirtyRun.stdout.split("\0").filter(Boolean).map((f) => path6.resolve(dir, f))
  };
}

// src/ir/index.ts
import { existsSync as existsSync4, readdirSync as readdirSync2 } from "node:fs";
import path8 from "node:path";

// src/ir/objects.ts
var READ = { work: 1, define: 2, own: 4 };
var ObjectError = class extends Error {
};
var NoMachineCode = class extends ObjectError {
};
var MAX_OBJECT_BYTES = 2 ** 30;
function readObjectWith(wasm, fill, length, mode) {
  const input = wasm.object_input(length);
  let failure = null;
  wasm.source.fill = (offset, size) => {
    try {
      fill(new Uint8Array(wasm.memory.buffer, input + offset, size), offset);
      return 1;
    } catch (e) {
      failure = e;
      return 0;
    }
  };
  let count;
  try {
    count = wasm.read_object(length, mode);
  } finally {
    wasm.source.fill = null;
  }
  if (failure !== null && count < 0)
    return { error: `it could not be read (${String(failure.message ?? failure)})` };
  const result = new Uint8Array(wasm.memory.buffer, wasm.result_ptr(), wasm.result_len());
  if (count < 0) return { error: new TextDecoder().decode(result), noCode: count === -2 };
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  const text = Buffer.from(result.buffer, result.byteOffset, result.byteLength);
  const functions = [];
  for (let i = 0, at = 0; i < count; i++) {
    const [size, symbolLength, pathLength] = [
      view.getUint32(at, true),
      view.getUint32(at + 4, true),
      view.getUint32(at + 8, true)
    ];
    const symbol = text.toString("latin1", at + 12, at + 12 + symbolLength);
    at += 12 + symbolLength;
    const path14 = pathLength === 4294967295 ? null : text.toString("utf8", at, at + pathLength);
    if (path14 !== null) at += pathLength;
    functions.push({ symbol, size, path: path14 });
  }
  return { functions };
}

// src/ir/reader.ts
import { statSync as statSync2 } from "node:fs";
import path7 from "node:path";
import { Worker } from "node:worker_threads";
function readDeadlineMs(bytes) {
  return 5e3 + Math.ceil(bytes / 2 ** 20) * 500;
}
function fileWork(functions, fileBytes) {
  const groups = /* @__PURE__ */ new Map();
  let bytes = 0;
  for (const f of functions) {
    const name = f.path === null ? f.symbol : genericGroup(f.path);
    const g = groups.get(name) ?? [name, 0, 0];
    g[1] += 1;
    g[2] += f.size;
    groups.set(name, g);
    bytes += f.size;
  }
  return { bytes, functions: functions.length, groups: [...groups.values()], fileBytes };
}
function readFileWork(wasm, fs, file, max, mode) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { error: `it could not be opened (${e.code ?? String(e)})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: "it is not a regular file" };
    if (stat.size > max) return { error: `it is ${stat.size} bytes, more than this reader takes (${max})` };
    const fill = (target, offset) => {
      for (let at = 0; at < target.length; ) {
        const n = fs.readSync(fd, target, at, target.length - at, offset + at);
        if (n <= 0) throw new Error("the file shrank while it was read");
        at += n;
      }
    };
    const reply = readObjectWith(wasm, fill, stat.size, mode);
    return "error" in reply ? reply : { work: fileWork(reply.functions, stat.size) };
  } finally {
    fs.closeSync(fd);
  }
}
function readerThread(threads, fs) {
  const port = threads.parentPort;
  const api = globalThis.WebAssembly;
  let wasm = null;
  port.on("message", ({ id, file, max, mode }) => {
    try {
      const e = wasm ??= instantiateIr(api, threads.workerData);
      port.postMessage({ id, ...readFileWork(e, fs, file, max, mode) });
    } catch (e) {
      wasm = null;
      port.postMessage({ id, trap: String(e?.message ?? e) });
    }
  });
}
var threadSource = () => {
  const functions = [closingBracket, genericGroup, instantiateIr, readObjectWith, fileWork, readFileWork, readerThread];
  return `${functions.join("\n")}
${readerThread.name}(require('node:worker_threads'), require('node:fs'));
`;
};
var ObjectReader = class {
  constructor(deadlineMs = readDeadlineMs) {
    this.deadlineMs = deadlineMs;
  }
  deadlineMs;
  #worker = null;
  #next = 0;
  /** Libraries read (READ.define) into the worker's module, to read again into a new one. */
  #libraries = [];
  #replay = false;
  /**
   * The work in one file cargo wrote (`mode`: objects.ts READ; with `own`, the functions no
   * library read before defines); an ObjectError when it cannot be read in time.
   */
  async read(file, mode = READ.work) {
    if (mode & READ.own && this.#replay) {
      this.#replay = false;
      for (const library of [...this.#libraries]) {
        await this.#readOnce(library, READ.define).catch((e) => {
          throw new ObjectError(
            `a library read before, ${path7.basename(library)}, could not be read again (${e.message})`
          );
        });
      }
    }
    const work = await this.#readOnce(file, mode);
    if (mode & READ.define) this.#libraries.push(file);
    return work;
  }
  async #readOnce(file, mode) {
    let size;
    try {
      size = statSync2(file).size;
    } catch (e) {
      throw new ObjectError(`it could not be read (${e.code ?? e.message})`);
    }
    const reply = await this.#ask(file, mode, this.deadlineMs(size));
    if (reply.trap !== void 0) {
      await this.close();
      throw new ObjectError(`the object reader failed (${reply.trap})`);
    }
    if (reply.noCode) throw new NoMachineCode(reply.error ?? "it holds no machine code");
    if (reply.error !== void 0 || !reply.work)
      throw new ObjectError(reply.error ?? "the object reader gave no answer");
    return reply.work;
  }
  /** Ends the worker (reads after this start a new one, which knows no library's names until they are read again). */
  async close() {
    const worker = this.#worker;
    this.#worker = null;
    this.#replay = this.#libraries.length > 0;
    await worker?.terminate();
  }
  #start() {
    const worker = new Worker(threadSource(), { eval: true, workerData: irWasmModule() });
    worker.on("error", () => {
    });
    worker.unref();
    return worker;
  }
  #ask(file, mode, ms) {
    const worker = this.#worker ??= this.#start();
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off("message", onMessage).off("error", onError);
      };
      const giveUp = (why) => {
        done();
        if (this.#worker === worker) void this.close();
        reject(new ObjectError(why));
      };
      const onMessage = (m) => {
        if (m.id !== id) return;
        done();
        resolve(m);
      };
      const onError = (e) => giveUp(`the object reading thread failed (${e.message})`);
      const timer = setTimeout(
        () => giveUp(`reading it took longer than ${(ms / 1e3).toFixed(1)} s, so it was given up`),
        ms
      );
      worker.on("message", onMessage).on("error", onError);
      worker.postMessage({ id, file, max: MAX_OBJECT_BYTES, mode });
    });
  }
};

// src/ir/index.ts
var NO_LIBDIR = (triple, detail) => `rustc did not name the toolchain's libraries for ${triple} (${detail})`;
var LTO_BITCODE = (names) => `Watchmaker: ${names.join(", ")}: compiled to LLVM bitcode for link-time optimisation (lto), so no machine code of their own; the binaries that link them count it.`;
var UNREADABLE_WORK = (crate, why) => `Watchmaker could not read the compile work of ${crate} (${why}); that crate is reported as not measured, the others are not affected.`;
var LIBRARY_KINDS = ["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"];
function targetLabel(a) {
  const kind = a.targetKinds.includes("example") ? "example" : a.targetKinds.some((k) => LIBRARY_KINDS.includes(k)) ? "lib" : "bin";
  return `${kind} ${a.targetName.replace(/-/g, "_")}`;
}
function codeFileOf(a) {
  const named = (pattern) => a.filenames.find((f) => pattern.test(f));
  return named(/\.rlib$/) ?? a.executable ?? named(/\.(so|dylib|dll)$/) ?? named(/\.(a|lib)$/) ?? null;
}
var isLibrary = (file) => file !== null && file.endsWith(".rlib");
function librariesOf(artifacts) {
  return [...new Set(artifacts.flatMap((a) => a.filenames.filter(isLibrary)))].sort();
}
async function toolchainLibraries(rustc, triple, options) {
  const r = await capture(rustc, ["--print", "target-libdir", "--target", triple], options).catch((e) => ({
    code: 1,
    stdout: "",
    stderr: e.message
  }));
  const dir = r.stdout.trim();
  if (r.code !== 0 || !dir || !existsSync4(dir))
    return { error: NO_LIBDIR(triple, r.stderr.trim().split("\n")[0] || dir || "no directory") };
  return {
    files: readdirSync2(dir).filter(isLibrary).sort().map((f) => path8.join(dir, f))
  };
}
function ownCrateNames(artifacts, yours) {
  const names = new Set([...yours].map(rustName));
  for (const a of artifacts)
    if (yours.has(a.package.name) && !a.targetKinds.includes("custom-build")) names.add(rustName(a.targetName));
  return names;
}
function filesToRead(artifacts, measured) {
  return artifacts.filter((a) => !a.fresh && !a.test && !a.targetKinds.includes("custom-build") && measured(a.package)).map((a) => ({ key: crateKey(a.package.name, a.package.version), target: targetLabel(a), file: codeFileOf(a) }));
}
var WorkCollector = class {
  constructor(reader = new ObjectReader()) {
    this.reader = reader;
  }
  reader;
  /** Per package (`name@version`), per target. */
  #tallies = /* @__PURE__ */ new Map();
  /** Packages with a file that could not be read, and why: they are not measured, the others are. */
  #unreadable = /* @__PURE__ */ new Map();
  /**
   * Packages compiled to LLVM bitcode (`lto`): no machine code of their own, it is generated in the binaries that link
   * them.
   */
  #bitcode = /* @__PURE__ */ new Set();
  #error = null;
  /** Why a linked file's own code cannot be told from its libraries' (one of them could not be read), or null. */
  #librariesUnread = null;
  #seconds = 0;
  /** Libraries read while cargo was still building (queued in order on the one reader). */
  #early = Promise.resolve();
  #readEarly = /* @__PURE__ */ new Set();
  #earlySeconds = 0;
  #files = 0;
  #libraries = 0;
  #bytes = 0;
  /**
   * A library cargo has just reported, read while the build goes on (its file is complete; the
   * build often leaves a core idle), so little is left to read when it ends.
   */
  readEarly(f) {
    if (!isLibrary(f.file) || this.#readEarly.has(f.file)) return;
    this.#readEarly.add(f.file);
    this.#early = this.#early.then(async () => {
      const started = process.hrtime.bigint();
      await this.#readFile(f, READ.work | READ.define).catch((e) => void (this.#error ??= e));
      this.#earlySeconds += Number(process.hrtime.bigint() - started) / 1e9;
    });
  }
  /**
   * Reads the files, one at a time: the measured libraries, then (when a linked file is to be
   * read) the other `libraries` the build and the toolchain provide, then the linked files.
   * An unreadable file costs only its package; an unreadable library, the linked files too.
   */
  async read(files, libraries) {
    await this.#early;
    const started = process.hrtime.bigint();
    try {
      for (const f of files.filter((f2) => isLibrary(f2.file) && !this.#readEarly.has(f2.file)))
        await this.#readFile(f, READ.work | READ.define);
      const linked = files.filter((f) => !isLibrary(f.file));
      if (linked.length) await this.#readLibraries(await libraries(), new Set(files.map((f) => f.file)));
      for (const f of linked) await this.#readFile(f, READ.work | READ.own);
    } catch (e) {
      this.#error = e;
    } finally {
      await this.reader.close();
      this.#seconds += Number(process.hrtime.bigint() - started) / 1e9;
    }
  }
  /** The names of the functions the libraries define, into the reader. */
  async #readLibraries(libraries, read) {
    if ("error" in libraries) {
      this.#librariesUnread ??= libraries.error;
      return;
    }
    for (const file of libraries.files.filter((f) => !read.has(f))) {
      try {
        const work = await this.reader.read(file, READ.define);
        this.#libraries += 1;
        this.#bytes += work.fileBytes;
      } catch (e) {
        if (!(e instanceof ObjectError)) throw e;
        this.#librariesUnread ??= `${path8.basename(file)}: ${e.message}`;
      }
    }
  }
  async #readFile({ key, target, file }, mode) {
    if (this.#unreadable.has(key) || this.#bitcode.has(key)) return;
    try {
      if (file === null) throw new ObjectError(`cargo reported no file with machine code for ${target}`);
      if (mode & READ.own && this.#librariesUnread)
        throw new ObjectError(`its own code cannot be told from the libraries it links (${this.#librariesUnread})`);
      const work = await this.reader.read(file, mode);
      const targets = this.#tallies.get(key) ?? /* @__PURE__ */ new Map();
      const tally = targets.get(target) ?? emptyTally();
      addGroups(tally, work.groups);
      targets.set(target, tally);
      this.#tallies.set(key, targets);
      this.#files += 1;
      this.#bytes += work.fileBytes;
    } catch (e) {
      if (!(e instanceof ObjectError)) throw e;
      this.#tallies.delete(key);
      if (e instanceof NoMachineCode) {
        this.#bitcode.add(key);
        return;
      }
      this.#unreadable.set(key, file === null ? e.message : `${path8.basename(file)}: ${e.message}`);
      if (mode & READ.define) this.#librariesUnread ??= `${file === null ? target : path8.basename(file)}: ${e.message}`;
    }
  }
  /** Seconds spent reading and summarising after the build: what the measure adds to the job's time. */
  get seconds() {
    return this.#seconds;
  }
  /** Seconds spent reading while cargo still built (CPU the build shared). */
  get secondsDuringBuild() {
    return this.#earlySeconds;
  }
  /** Files measured, libraries read for the names they define, and the bytes of both. */
  get filesRead() {
    return { files: this.#files, libraries: this.#libraries, bytes: this.#bytes };
  }
  /** Packages (`name@version`) with a file that could not be read: not measured, each with the reason. */
  get unreadable() {
    return this.#unreadable;
  }
  /** Packages (`name@version`) compiled to LLVM bitcode for link-time optimisation: no machine code of their own. */
  get bitcode() {
    return this.#bitcode;
  }
  /**
   * The work per package (`name@version`), each unreadable one warned about. Packages in `left`
   * (a unit did not compile, or some targets were fresh) are left out: their work is partial.
   * `own`: the Rust names of your crates, whose groups are kept beyond the biggest (ownCrateNames).
   */
  finish(left, own2) {
    if (this.#bitcode.size) {
      const names = [...this.#bitcode].sort().map((pkg) => pkg.replace("@", " "));
      info(logText(LTO_BITCODE(names)));
    }
    for (const [pkg, why] of this.#unreadable) {
      warning(logText(UNREADABLE_WORK(pkg.replace("@", " "), why)));
    }
    if (this.#error) {
      warning(
        `Watchmaker could not read the compile work (${this.#error.message}); the report goes on without it.`
      );
      debug(this.#error.stack ?? String(this.#error));
      return /* @__PURE__ */ new Map();
    }
    return new Map(
      [...this.#tallies].filter(([pkg]) => !left.has(pkg)).map(([pkg, targets]) => [pkg, packageWork(targets, targets.size > 1, own2)])
    );
  }
  /**
   * After finish: the work of the targets a package compiled, each apart (for a package some of whose targets were
   * fresh).
   */
  compiledTargets(pkg, own2) {
    const targets = this.#error ? void 0 : this.#tallies.get(pkg);
    return targets ? packageWork(targets, true, own2) : null;
  }
};

// src/timings/index.ts
var PARTLY_FRESH = (names) => `Watchmaker: ${names.join(", ")}: some targets fresh from the cache, so compile work is compared target by target.`;
var UNREADABLE_MEASUREMENT = (line) => `Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${line}`;
function outputPaths(run2, label) {
  const { recordPath: own2, scratchDir } = run2.config.build;
  const profile = run2.config.profile;
  if (!label) {
    const timingsCopy = sideFilePath(
      path9.join(path9.dirname(own2), `cargo-timing-${profile}.html`),
      scratchDir,
      isCargoTimings
    );
    return { recordPath: own2, timingsCopy, scratch: path9.join(scratchDir, "build") };
  }
  return {
    recordPath: path9.join(scratchDir, `rebuild-${label}.json`),
    timingsCopy: path9.join(scratchDir, `cargo-timing-${profile}-rebuild-${label}.html`),
    scratch: path9.join(scratchDir, `rebuild-${label}`)
  };
}
function cargoCommand(run2) {
  const { build: build2, profile } = run2.config;
  return { program: build2.command[0], args: buildArgs(build2, timedBuildFlags(build2.command, profile)) };
}
async function runTimedBuild(run2, options) {
  const { recordPath, timingsCopy, scratch } = outputPaths(run2, options.label);
  const cwd = options.checkout?.dir ?? run2.config.workingDirectory;
  const workspace = options.checkout?.workspace ?? run2.workspace;
  const env = options.env ?? run2.env;
  for (const dir of [path9.dirname(recordPath), run2.config.build.scratchDir]) mkdirSync2(dir, { recursive: true });
  const buildEnv = childEnv(env, run2.config.build.passEnv);
  const files = wrapperFiles(scratch);
  const wrapper = options.wrapperPath === null ? null : await setUpWrapper(options.wrapperPath, files, buildEnv, wrapperContext(run2, cwd, env, workspace, options.log));
  const work = workCollector(run2, wrapper !== null);
  const { program, args } = cargoCommand(run2);
  const messages = messagesFeeding(work, run2);
  const cargo = await timedCargo(program, args, { cwd, env: buildEnv }, messages, options.log);
  wrapper?.keep();
  const timings = copyTimings(workspace.targetDirectory, timingsCopy, cargo.startedAtMs, options.log ?? logLine);
  const wrapperUnits = wrapper === null ? null : readWrapperUnits(files.unitsFile);
  const sample2 = options.label !== void 0;
  const built = { cwd, env, workspace, program, args, ...cargo, messages, timings, wrapperUnits, sample: sample2 };
  const record = await recordOf(run2, built, work, options.log ?? logLine);
  if (sample2) writeRunRecord(recordPath, record);
  const artifacts = messages.finished === null ? null : artifactsOf(messages);
  return {
    record,
    exitCode: cargo.exit.exitCode,
    recordPath,
    timingsHtml: timings?.file ?? null,
    artifacts,
    interruptedBy: cargo.exit.interruptedBy,
    scratchDir: run2.config.build.scratchDir
  };
}
async function recordOf(run2, b, work, log) {
  const { messages, wrapperUnits, cwd, env } = b;
  const { yours, partlyFresh } = yourCrates(messages, wrapperUnits, b.workspace, log, run2);
  const measured = { messages, units: wrapperUnits ?? [], partlyFresh, yours, wallSeconds: b.wallSeconds };
  const compileWork = work ? await measuredWork(work, run2, measured, log) : null;
  const workFields = compileWork ? { partialWork: compileWork.partial, unreadableWork: compileWork.unreadable, ltoWork: compileWork.lto } : { compileWorkNote: workNote(run2) ?? void 0 };
  return buildRunRecord({
    profile: run2.config.profile,
    flagsHash: run2.target.flagsHash,
    targetTriple: run2.target.triple,
    rustc: run2.rustc,
    cargoVersion: (await capture("cargo", ["-V"], { cwd, env }).catch(() => null))?.stdout.trim() || null,
    context: run2.context,
    commit: run2.context.sha ?? await gitHead(cwd, env),
    command: [b.program, ...b.args],
    exitCode: b.exit.exitCode,
    wallSeconds: b.wallSeconds,
    startedAtMs: b.startedAtMs,
    wrapperUnits,
    perf: false,
    messages,
    timings: b.timings?.report ?? null,
    timingsHtml: b.timings?.file ?? null,
    workspaceMembers: yours,
    ...await inputFingerprints(messages, b.workspace.root, cwd, env, !b.sample),
    compileWork: compileWork?.work ?? null,
    ...workFields,
    compileWorkScope: run2.config.build.compileWork || void 0,
    partlyFresh
  });
}
async function calibrateHere(run2, wrapperPath) {
  const scratch = path9.join(run2.config.build.scratchDir, "calibration");
  mkdirSync2(scratch, { recursive: true });
  const wrapper = await setUpWrapper(
    wrapperPath,
    wrapperFiles(scratch),
    childEnv(run2.env),
    wrapperContext(run2, run2.config.workingDirectory, run2.env, run2.workspace, void 0)
  );
  if (!wrapper) return null;
  wrapper.keep();
  return calibrate(wrapper.binary, rustcCommand(run2.env), childEnv(run2.env));
}
async function inputFingerprints(messages, root, cwd, env, closed) {
  const own2 = crateFingerprints(messages, await gitFiles(root, env), depInfoReader(root));
  const graph = closed ? await localDependencies(cwd, env) : null;
  return { fingerprints: graph ? closeOverLocalDeps(own2, graph) : own2, inputsTransitive: graph !== null };
}
function depInfoReader(root) {
  return (filename) => {
    for (const candidate2 of depInfoCandidates(filename)) {
      if (!existsSync5(candidate2)) continue;
      return parseDepInfo(readFileSync3(candidate2, "utf8"), root);
    }
    return null;
  };
}
function wrapperContext(run2, cwd, env, workspace, log) {
  return {
    cwd,
    env,
    targetDir: workspace.targetDirectory,
    ownTempDir: path9.dirname(run2.config.build.scratchDir),
    log: log ?? logLine,
    cargoConfig: run2.cargoConfig
  };
}
function yourCrates(messages, units, workspace, log, run2) {
  const ranFor = (units ?? []).map((u) => u.package);
  const yours = localPackagesOf(messages, ranFor, workspace.localPackages);
  const names = [...yours].sort().map((n) => workspace.members.has(n) ? n : `${n} (path dependency)`);
  if (names.length) log(logText(`Watchmaker: your crates in this build (local path packages): ${names.join(", ")}.`));
  const note = commandNote(run2.config.build.command);
  if (note) log(logText(`Watchmaker: ${note}`));
  const partlyFresh = partlyFreshCrates(messages, (p) => run2.config.build.compileWork === "all" || yours.has(p.name));
  return { yours, partlyFresh };
}
async function timedCargo(program, args, options, messages, log) {
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  const exit = await streamCargo(program, args, options, messages, log);
  return { exit, startedAtMs, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}
async function measuredWork(collector, run2, build2, log) {
  const { units, partlyFresh } = build2;
  const artifacts = build2.messages.artifacts;
  await collector.read(
    filesToRead(artifacts, (p) => run2.config.build.compileWork === "all" || build2.yours.has(p.name)),
    // What a linked file may hold besides its own code: the build's libraries and the toolchain's.
    async () => {
      const toolchain = await toolchainLibraries(rustcCommand(run2.env), run2.target.triple, {
        cwd: run2.config.workingDirectory,
        env: run2.env
      });
      return "error" in toolchain ? toolchain : { files: [...librariesOf(artifacts), ...toolchain.files] };
    }
  );
  const own2 = ownCrateNames(artifacts, build2.yours);
  const work = collector.finish(
    /* @__PURE__ */ new Set([...units.filter((u) => u.exit !== 0).map((u) => crateKey(u.package, u.version)), ...partlyFresh]),
    own2
  );
  const partial = /* @__PURE__ */ new Map();
  for (const key of partlyFresh) {
    const targets = collector.compiledTargets(key, own2);
    if (targets) partial.set(key, targets);
  }
  if (partlyFresh.size) {
    const names = [...partlyFresh].sort().map((key) => key.replace("@", " "));
    log(logText(PARTLY_FRESH(names)));
  }
  log(workCostLine(work, collector, build2.wallSeconds));
  return { work, partial, unreadable: new Set(collector.unreadable.keys()), lto: collector.bitcode };
}
function workCostLine(work, collector, buildSeconds) {
  const bytes = [...work.values()].reduce((a, w) => a + w.bytes, 0);
  const { files, libraries, bytes: read } = collector.filesRead;
  const linked = libraries ? ` and ${plural(libraries, "library", "libraries")} they link` : "";
  const share = buildSeconds > 0 ? ` (${(collector.seconds / buildSeconds * 100).toFixed(1)}% of it)` : "";
  const during = collector.secondsDuringBuild > 0 ? `, and ${collector.secondsDuringBuild.toFixed(2)} s while cargo built` : "";
  const crates = plural(work.size, "crate", "crates");
  const megabytes = (read / 1e6).toFixed(1);
  return `Watchmaker: compile work of ${crates}: ${bytes.toLocaleString("en-US")} bytes of machine code, read from ${plural(files, "file", "files")}${linked} (${megabytes} MB) in ${collector.seconds.toFixed(2)} s after the build${share}${during}`;
}
function messagesFeeding(work, run2) {
  const messages = emptyMessages();
  const measured = (a) => run2.config.build.compileWork === "all" || a.packageId.startsWith("path+file");
  if (work) messages.onArtifact = (a) => filesToRead([a], () => measured(a)).forEach((f) => work.readEarly(f));
  return messages;
}
function workCollector(run2, wrapped) {
  return wrapped && run2.config.build.compileWork && workNote(run2) === null ? new WorkCollector() : null;
}
function workNote(run2) {
  const command = run2.config.build.command;
  if (!run2.config.build.compileWork) return null;
  if (!writesCode(command)) return `not measured: ${subcommandOf(command)[0]} builds produce no code`;
  if (isNextest(command)) return "not measured: cargo nextest reports no artifacts to read";
  if (run2.target.triple.startsWith("wasm")) return "not measured: WebAssembly object files are not read";
  return null;
}
var logLine = (line) => void process.stdout.write(`${line}
`);
async function streamCargo(program, args, options, messages, log) {
  const resumeCommands = log ? () => {
  } : stopCommands();
  const out = log ?? logLine;
  try {
    return await runCargo(program, args, options, messages, out);
  } finally {
    for (const line of messages.otherLines) out(line);
    resumeCommands();
  }
}
function copyTimings(targetDir, copy, startedAtMs, log) {
  const cargoHtml = path9.join(targetDir, "cargo-timings", "cargo-timing.html");
  if (!existsSync5(cargoHtml) || statSync3(cargoHtml).mtimeMs < startedAtMs - 1e3) return null;
  copyFileSync3(cargoHtml, copy);
  const report = parseTimingsHtml(readFileSync3(copy, "utf8"));
  for (const w of report.warnings) log(logText(`Watchmaker: timings report: ${w}`));
  return { file: copy, report };
}
function readWrapperUnits(unitsFile) {
  if (!existsSync5(unitsFile)) return [];
  const parsed = parseWrapperUnits(readFileSync3(unitsFile, "utf8"));
  for (const bad of parsed.unreadable) warning(logText(UNREADABLE_MEASUREMENT(bad.slice(0, 200))));
  return parsed.units;
}
async function gitHead(cwd, env) {
  const r = await capture("git", ["rev-parse", "HEAD"], { cwd, env }).catch(() => null);
  return r?.code === 0 ? r.stdout.trim() : null;
}

// src/advise/plan.ts
var LIBRARY_KINDS2 = /* @__PURE__ */ new Set(["lib", "rlib", "dylib", "cdylib", "staticlib", "proc-macro"]);
function rootFile(p) {
  const lib = p.targets.find((t) => t.kind.some((k) => LIBRARY_KINDS2.has(k)));
  return (lib ?? p.targets.find((t) => t.kind.includes("bin")))?.src_path ?? null;
}
function chooseLeaf(packages, memberIds, built) {
  const members = packages.filter((p) => memberIds.has(p.id) && (built.size === 0 || built.has(p.name)));
  const local = (p) => p.dependencies.filter((d) => d.path !== void 0 && d.kind !== "dev");
  const used = new Set(members.flatMap((p) => local(p).map((d) => d.name)));
  const order = (a, b) => local(b).length - local(a).length || a.name.localeCompare(b.name);
  const leaves = members.filter((p) => !used.has(p.name)).sort(order);
  for (const p of [...leaves, ...members.filter((m) => used.has(m.name)).sort(order)]) {
    const file = rootFile(p);
    if (file) return { crate: p.name, file };
  }
  return null;
}
function editedText(original, n) {
  const newline = original === "" || original.endsWith("\n") ? "" : "\n";
  return `${original}${newline}const _: u32 = ${n}; // Watchmaker's profile advice: the edit before a warm rebuild
`;
}
var INTERMEDIATE = /* @__PURE__ */ new Set(["deps", "build", "examples", "incremental", ".fingerprint"]);
var FINAL = /(^[^.]+|\.(exe|wasm|so|dylib|dll|a|lib|rlib))$/;
function finalArtifacts(files, targetDir, sep = "/") {
  const prefix = targetDir.endsWith(sep) ? targetDir : `${targetDir}${sep}`;
  const finals = files.filter((f) => {
    if (!f.startsWith(prefix)) return false;
    const parts = f.slice(prefix.length).split(sep);
    const name = parts.at(-1);
    return (parts.length === 2 || parts.length === 3) && !INTERMEDIATE.has(parts.at(-2)) && FINAL.test(name);
  });
  const linked = finals.filter((f) => !f.endsWith(".rlib"));
  return [...new Set(linked.length ? linked : finals)].sort();
}
function rotation(count, round2) {
  const shift = round2 % Math.max(count, 1);
  return Array.from({ length: count }, (_, i) => (i + shift) % count);
}
var roomForRound = (elapsedSeconds, lastRoundSeconds, budgetSeconds) => elapsedSeconds + lastRoundSeconds <= budgetSeconds;
function configuredArgs(cargoArgs, ours) {
  const out = [];
  for (let i = 0; i < cargoArgs.length; i++) {
    if (cargoArgs[i] === "--") return [...out, ...ours, ...cargoArgs.slice(i)];
    if (cargoArgs[i] === "--target-dir") i++;
    else if (!cargoArgs[i].startsWith("--target-dir=")) out.push(cargoArgs[i]);
  }
  return [...out, ...ours];
}

// src/advise/measure.ts
var AdviceStopped = class extends Error {
  constructor(signal) {
    super(`the job was cancelled (${signal}) while the advisor was building`);
    this.name = "AdviceStopped";
  }
};
var emptySamples = () => ({ cold: [], coldCpu: [], warm: [], memory: [], size: [], runtime: [] });
async function measureRounds(input) {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1e3;
  let last = 0;
  let rounds = 0;
  for (let round2 = 0; round2 < input.maxRounds; round2++) {
    if (round2 > 0 && !roomForRound(elapsed(), last, input.budgetSeconds))
      return { rounds, seconds: elapsed(), stop: overBudget(`another round (about ${last.toFixed(0)} s)`, input) };
    const roundStarted = elapsed();
    const complete = await oneRound(input, round2, () => elapsed() > input.budgetSeconds);
    const current = input.configurations[0];
    if (current.problem !== null) throw new Error(`the current settings could not be measured: ${current.problem}`);
    if (!complete) return { rounds, seconds: elapsed(), stop: overBudget(`round ${round2 + 1} ran out of it`, input) };
    last = elapsed() - roundStarted;
    rounds++;
  }
  return { rounds, seconds: elapsed(), stop: `the most rounds asked for (${input.maxRounds})` };
}
var overBudget = (what, input) => `advise-budget (${what}); a larger budget gives more rounds (up to ${input.maxRounds}), which can settle inconclusive rows`;
async function oneRound(input, round2, spent) {
  startGroup(`Watchmaker: profile advice, round ${round2 + 1}`);
  try {
    for (const i of rotation(input.configurations.length, round2)) {
      if (spent()) return false;
      const c = input.configurations[i];
      if (c.problem === null) await sample(input, c, round2 + 1);
    }
    return true;
  } finally {
    endGroup();
  }
}
async function sample(input, c, round2) {
  rmSync3(c.workspace.targetDirectory, { recursive: true, force: true });
  const cold = await build(input, c, `${round2}-cold`);
  if (cold === null) return;
  c.samples.cold.push(cold.record.totals.wallSeconds);
  if (cold.record.totals.cpuSeconds !== null) c.samples.coldCpu.push(cold.record.totals.cpuSeconds);
  const peaks = cold.record.units.map((u) => u.peakRssKiB ?? 0);
  if (peaks.some((p) => p > 0)) c.samples.memory.push(Math.max(...peaks));
  const finals = finalArtifacts(cold.artifacts ?? [], c.workspace.targetDirectory, path10.sep);
  if (finals.length) c.samples.size.push(finals.reduce((a, f) => a + fileSize(f), 0));
  if (input.editFile) {
    const original = readFileSync4(input.editFile);
    writeFileSync2(input.editFile, editedText(original.toString("utf8"), round2));
    try {
      const warm = await build(input, c, `${round2}-warm`);
      if (warm === null) return;
      c.samples.warm.push(warm.record.totals.wallSeconds);
    } finally {
      writeFileSync2(input.editFile, original);
    }
  }
  if (input.command && c.runEnv) await timeCommand(input, c);
}
var fileSize = (file) => {
  try {
    return statSync4(file).size;
  } catch {
    return 0;
  }
};
async function build(input, c, label) {
  const tail = [];
  const result = await runTimedBuild(c.run, {
    wrapperPath: input.wrapperPath,
    label: `advise-${c.id}-${label}`,
    checkout: { dir: input.dir, workspace: c.workspace },
    env: c.env,
    log: (line) => {
      if (tail.push(line) > 20) tail.shift();
    }
  });
  for (const f of [result.recordPath, result.timingsHtml]) if (f) rmSync3(f, { force: true });
  if (result.interruptedBy) throw new AdviceStopped(result.interruptedBy);
  if (result.exitCode === 0) return { record: result.record, artifacts: result.artifacts };
  c.problem = `its ${label.replace(/^\d+-/, "")} build failed (exit code ${result.exitCode})`;
  warning(logText(`Watchmaker: profile advice: ${c.label}: ${c.problem}. Its last lines: ${tail.join(" \u23CE ")}`));
  return null;
}
async function timeCommand(input, c) {
  const [program, ...args] = input.command;
  const env = { ...c.env, ...c.runEnv };
  const opts = { cwd: input.dir, env };
  const warmUp = await capture(program, args, opts);
  if (warmUp.code !== 0) {
    c.problem = `advise-run failed (exit code ${warmUp.code})`;
    const last = (warmUp.stderr.trim() || warmUp.stdout.trim()).split("\n").slice(-10).join(" \u23CE ");
    warning(logText(`Watchmaker: profile advice: ${c.label}: ${c.problem}: ${last}`));
    return;
  }
  const started = process.hrtime.bigint();
  const timed = await capture(program, args, opts);
  if (timed.code === 0) c.samples.runtime.push(Number(process.hrtime.bigint() - started) / 1e9);
}

// src/advise/render.ts
var METRIC_NAME = {
  cold: "cold build",
  coldCpu: "cold build CPU",
  warm: "warm rebuild",
  memory: "peak memory",
  size: "size",
  runtime: "runtime"
};
function formatValue(metric, value) {
  if (metric === "memory") return formatBytes(value * 1024);
  if (metric === "size") return formatBytes(value);
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} s`;
}
var minutes = (s) => s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;
var EDIT_SENTENCE = (crate, file) => `The warm rebuild follows a one-line edit of ${crate} (${file}), a crate no other member depends on.`;
var MEASURED = (advice, n, edit) => `Measured on this runner: the current settings and ${n} candidate${n === 1 ? "" : "s"}, each in its own target directory, ${advice.rounds} round${advice.rounds === 1 ? "" : "s"} in a rotating order (${minutes(advice.seconds)} of an advise-budget of ${minutes(advice.budgetSeconds)}). ${edit} The goal of a ${advice.kind} profile: ${goalText(advice)}.`;
var NO_WINNER = (goals) => `No candidate is recommended: none made the goal (${goals}) measurably better without a cost beyond its known price. The current settings stay.`;
var ADOPT_INTRO = (profile) => `Recommended for the workspace's Cargo.toml (merge into its \\[profile.${profile}\\] table if it has one; cargo config files and CARGO_PROFILE_* variables override Cargo.toml):`;
var NEVER_NATIVE = "The advisor never recommends target-cpu=native (a binary that needs the runner\u2019s CPU) or anything it did not measure.";
var LOG_HEADING = (advice) => `Watchmaker: profile advice for '${advice.profile}' (${plural(advice.rounds, "round")}; goal: ${goalText(advice)}):`;
function cellText(metric, r) {
  switch (r.effect) {
    case "not-measured":
      return "not measured";
    case "no-effect":
      return "no measurable effect";
    case "inconclusive":
      return r.change === null ? "inconclusive" : `inconclusive (${formatChange(r.change)})`;
    case "better":
    case "worse":
      return `${formatChange(r.change)} (${formatValue(metric, r.base)} \u2192 ${formatValue(metric, r.head)})`;
  }
}
var list = (metrics) => metrics.map((m) => METRIC_NAME[m]).join(", ");
function verdictText(c) {
  const texts = {
    win: () => `recommended: ${formatChange(c.metrics[c.goal].change)} ${METRIC_NAME[c.goal]}`,
    "trade-off": () => `not recommended: better ${METRIC_NAME[c.goal]}, but worse ${list(c.worse)}`,
    worse: () => `worse: ${list(ADVICE_METRICS.filter((m) => c.metrics[m].effect === "worse"))}`,
    "no-effect": () => "no measurable effect",
    inconclusive: () => "inconclusive: the samples cannot tell",
    failed: () => `not measured: ${c.problem ?? "its build failed"}`
  };
  return texts[c.verdict]();
}
function costSentence(c) {
  const parts = ADVICE_METRICS.map((m) => {
    const r = c.metrics[m];
    if (r.effect === "better" || r.effect === "worse")
      return `${formatChange(r.change)} ${METRIC_NAME[m]} (${formatValue(m, r.base)} \u2192 ${formatValue(m, r.head)})`;
    return `${METRIC_NAME[m]} ${cellText(m, r).replace(/ \(.*\)$/, "")}`;
  });
  return `${parts.join("; ")}.${c.note ? ` Gives up: ${c.note}.` : ""}`;
}
function goalText(advice) {
  return advice.goals.map((m) => METRIC_NAME[m]).join(", then ");
}
function introduction(advice) {
  const edit = advice.edit ? EDIT_SENTENCE(escapeMarkdown(advice.edit.crate), escapeMarkdown(advice.edit.file)) : "No warm rebuild: no workspace member has a root file to edit.";
  return [MEASURED(advice, advice.candidates.length, edit)];
}
function table(advice) {
  const header = `| candidate | ${ADVICE_METRICS.map((m) => METRIC_NAME[m]).join(" | ")} | verdict |`;
  const current = ADVICE_METRICS.map((m) => {
    const values = advice.current.samples[m];
    if (values.length === 0) return "not measured";
    const sorted = [...values].sort((a, b) => a - b);
    return formatValue(m, sorted[Math.floor(sorted.length / 2)]);
  });
  const rows = advice.candidates.map((c) => {
    const verdict = c.verdict === "win" ? `**${verdictText(c)}**` : verdictText(c);
    return `| \`${c.label}\` | ${ADVICE_METRICS.map((m) => cellText(m, c.metrics[m])).join(" | ")} | ${verdict} |`;
  });
  return [
    header,
    `|${" --- |".repeat(ADVICE_METRICS.length + 2)}`,
    `| current settings | ${current.join(" | ")} | |`,
    ...rows
  ];
}
function adoption(advice) {
  const profile = escapeMarkdown(advice.profile);
  if (!advice.adopt.toml) return [NO_WINNER(goalText(advice))];
  const winners = advice.candidates.filter((c) => c.verdict === "win" && !advice.adopt.leftOut.includes(c.id));
  const leftOut = advice.candidates.filter((c) => advice.adopt.leftOut.includes(c.id));
  return [
    ADOPT_INTRO(profile),
    "",
    "```toml",
    advice.adopt.toml,
    "```",
    "",
    ...winners.map((c) => `- \`${c.label}\`: ${costSentence(c)}`),
    ...leftOut.map((c) => `- \`${c.label}\` won too, but sets the same key as a bigger win; it is left out.`),
    ...winners.length > 1 ? ["", "Each setting was measured alone against the current settings: together their effects may not add up."] : []
  ];
}
function renderMarkdown(advice) {
  const skipped = advice.skipped.map((s) => `\`${s.label}\` (${escapeMarkdown(s.why)})`);
  return [
    `### Profile advice: ${escapeMarkdown(advice.profile)}`,
    "",
    ...introduction(advice),
    "",
    ...table(advice),
    "",
    ...adoption(advice),
    ...skipped.length ? ["", `Not measured: ${skipped.join("; ")}.`] : [],
    ...advice.notes.map((n) => `
${escapeMarkdown(n)}`),
    "",
    NEVER_NATIVE,
    ""
  ].join("\n");
}
function renderText(advice) {
  const lines = [LOG_HEADING(advice)];
  for (const c of advice.candidates) {
    const cells = ADVICE_METRICS.map((m) => `${METRIC_NAME[m]} ${cellText(m, c.metrics[m])}`).join(", ");
    lines.push(`  ${c.label}: ${verdictText(c)} [${cells}]`);
  }
  for (const s of advice.skipped) lines.push(`  ${s.label}: not measured (${s.why})`);
  if (advice.adopt.toml)
    lines.push("  Recommended Cargo.toml settings:", ...advice.adopt.toml.split("\n").map((l) => `    ${l}`));
  else lines.push("  No candidate is recommended; the current settings stay.");
  return lines.concat(advice.notes.map((n) => `  ${n}`));
}

// src/advise/index.ts
var MAX_ROUNDS = 5;
var DIRTY_NOTE = (commit) => `The checkout has uncommitted changes; the advisor measured its commit ${commit} without them.`;
var NO_RUNTIME_NOTE = (label) => `${label}: runtime not measured (cargo reads no CARGO_PROFILE_* variable for a package table, so advise-run cannot have it).`;
async function adviseIfAsked(input) {
  if (input.run.config.advise.mode !== "profiles") return null;
  const started = Date.now();
  try {
    const refused = refusal(input);
    if (refused) {
      warning(`Watchmaker: no profile advice: ${refused}.`);
      return null;
    }
    return await runAdvisor(input);
  } catch (e) {
    warning(logText(`Watchmaker could not produce profile advice: ${e.message}`));
    debug(e.stack ?? String(e));
    return null;
  } finally {
    input.phases.add("advise", (Date.now() - started) / 1e3);
  }
}
function refusal({ run: run2, build: build2 }) {
  const command = run2.config.build.command;
  if (build2.exitCode !== 0) return "the build failed";
  if (!writesCode(command)) return `'cargo ${subcommandOf(command).join(" ")}' compiles no code to measure settings on`;
  if (isNextest(command)) return "cargo nextest keeps the artifacts cargo reports to itself (no sizes)";
  return null;
}
async function runAdvisor(input) {
  const { run: run2 } = input;
  const scratch = `${run2.config.build.scratchDir}-advise`;
  rmSync4(scratch, { recursive: true, force: true });
  const checkout = await checkoutHead(
    run2.config.workingDirectory,
    run2.workspace.root,
    path11.join(scratch, "checkout"),
    run2.env
  );
  try {
    const plan = await planAdvice(input, checkout, scratch);
    const configurations = [plan.current, ...plan.measured.map((m) => m.configuration)];
    const measured = await measureRounds({
      configurations,
      wrapperPath: input.wrapperPath,
      dir: checkout.dir,
      editFile: plan.edit?.path ?? null,
      command: run2.config.advise.run,
      budgetSeconds: run2.config.advise.budgetSeconds,
      maxRounds: input.maxRounds ?? MAX_ROUNDS
    });
    const advice = assembleAdvice({
      createdAt: (/* @__PURE__ */ new Date()).toISOString(),
      profile: run2.config.profile,
      kind: plan.kind,
      commit: checkout.commit,
      goals: goalsOf(plan.kind, run2.config.advise.run !== null),
      rounds: measured.rounds,
      seconds: measured.seconds,
      budgetSeconds: run2.config.advise.budgetSeconds,
      edit: plan.edit ? { crate: plan.edit.crate, file: plan.edit.file } : null,
      run: run2.config.advise.run,
      current: { samples: plan.current.samples },
      measured: plan.measured.map(({ candidate: candidate2, configuration: c }) => ({
        candidate: candidate2,
        samples: c.samples,
        problem: c.problem
      })),
      skipped: plan.skipped,
      notes: [...plan.notes, `Rounds stopped at ${measured.stop}.`]
    });
    return await publish(run2, advice);
  } finally {
    await removeWorktree(checkout, run2.env);
    rmSync4(scratch, { recursive: true, force: true });
  }
}
async function planAdvice(input, checkout, scratch) {
  const { run: run2 } = input;
  const meta = await readMetadata(checkout.dir, run2.env, run2.config.build.cargoArgs);
  const sources = profileSources(run2);
  const effective = resolveProfileSettings(run2.config.profile, sources);
  const kind = profileKind(run2.config.profile, sources, effective);
  const { candidates, skipped } = candidatesFor({
    profile: run2.config.profile,
    kind,
    effective,
    triple: run2.target.triple,
    hasDependencies: meta.hasDependencies,
    env: run2.env,
    rustflags: input.rustflags
  });
  const configure = (i, id, label, settings) => configurationFor(run2, checkout.dir, scratch, { id, label, settings, index: i });
  const current = await configure(0, "current", "current settings", []);
  const measured = [];
  for (const [i, candidate2] of candidates.entries())
    measured.push({
      candidate: candidate2,
      configuration: await configure(i + 1, candidate2.id, candidate2.label, candidate2.settings)
    });
  const leaf = chooseLeaf(meta.packages, meta.memberIds, new Set(input.build.record.workspaceMembers ?? []));
  const inside = leaf !== null && !path11.relative(checkout.worktree, leaf.file).startsWith("..");
  const edit = inside ? { ...leaf, path: leaf.file, file: path11.relative(checkout.dir, leaf.file) } : null;
  const notes = await planNotes(run2, checkout, measured);
  return { kind, current, measured, skipped, edit, notes };
}
function profileSources(run2) {
  const manifestFile = path11.join(run2.workspace.root, "Cargo.toml");
  const manifest = existsSync6(manifestFile) ? parse(readFileSync5(manifestFile, "utf8")) : null;
  return { manifest, cargoConfig: run2.cargoConfig, env: run2.env };
}
async function planNotes(run2, checkout, measured) {
  const notes = [];
  if (checkout.dirty) notes.push(DIRTY_NOTE(checkout.commit.slice(0, 12)));
  if (!await fetchDependencies(checkout.dir, run2.env, run2.config.build.cargoArgs))
    notes.push("cargo fetch failed: the first cold build downloaded what it needed, in its sample.");
  return [...notes, ...runtimeNotes(run2, measured)];
}
function runtimeNotes(run2, measured) {
  if (!run2.config.advise.run) return [];
  return measured.filter((m) => m.configuration.runEnv === null).map((m) => NO_RUNTIME_NOTE(m.candidate.label));
}
async function configurationFor(run2, dir, scratch, what) {
  const targetDir = path11.join(scratch, `t${String(what.index).padStart(2, "0")}`);
  const env = { ...run2.env, CARGO_TARGET_DIR: targetDir };
  const own2 = ["--target-dir", targetDir, ...configArgs2(what.settings)];
  let cargoArgs = configuredArgs(run2.config.build.cargoArgs, own2);
  let workspace = await workspaceInfo(dir, env, cargoArgs);
  if (path11.relative(targetDir, workspace.buildDirectory).startsWith("..")) {
    const buildDir = ["--config", `build.build-dir=${JSON.stringify(path11.join(targetDir, "build-dir"))}`];
    cargoArgs = configuredArgs(run2.config.build.cargoArgs, [...own2, ...buildDir]);
    workspace = await workspaceInfo(dir, env, cargoArgs);
  }
  const build2 = { ...run2.config.build, cargoArgs, compileWork: false, scratchDir: scratch };
  return {
    id: what.id,
    label: what.label,
    run: { ...run2, config: { ...run2.config, build: build2 } },
    env,
    workspace,
    runEnv: profileEnv(what.settings),
    samples: emptySamples(),
    problem: null
  };
}
async function publish(run2, advice) {
  const { recordPath, scratchDir } = run2.config.build;
  const file = sideFilePath(
    path11.join(path11.dirname(recordPath), `advice-${run2.config.profile}.json`),
    scratchDir,
    (head) => head.includes(`"schema": "${ADVICE_SCHEMA}"`)
  );
  mkdirSync3(path11.dirname(file), { recursive: true });
  writeFileSync3(file, `${JSON.stringify(advice, null, 2)}
`);
  for (const line of renderText(advice)) info(logText(line));
  const markdown = renderMarkdown(advice);
  if (run2.env.GITHUB_STEP_SUMMARY) await summary.addRaw(markdown, true).write();
  setOutputs({ advice: file });
  return { advice, file, markdown };
}

// src/guard/index.ts
import { readFileSync as readFileSync6 } from "node:fs";
import path12 from "node:path";
var NO_CFG = (targetTriple, reason) => `Watchmaker could not ask rustc for the cfg of ${targetTriple} (${reason}); target.'cfg(...)' rustflags are matched as if no cfg were set.`;
async function runGuard(run2) {
  const { config } = run2;
  const { targetTriple, effective } = await resolveFlags(run2);
  const rustcArgs = rustcArgsOf(commandWords(config.build), (name) => cargoAlias(run2.cargoConfig, run2.env, name));
  const hash = rustflagsHash(
    effective.flags.map((f) => f.flag),
    targetTriple,
    rustcArgs.map((f) => f.flag)
  );
  const findings = config.guard.mode === "off" ? [] : checkFlags(effective.flags, rustcArgs, argfileReader(config.workingDirectory));
  const enforcing = config.guard.mode === "error" && config.inCI;
  const failed = enforcing && findings.some((f) => f.severity === "error");
  logFlags(run2, targetTriple, effective, rustcArgs, hash, findings.length);
  const annotated = annotate(findings, enforcing, run2.env);
  return { mode: config.guard.mode, targetTriple, effective, rustcArgs, findings, hash, failed, annotated };
}
function commandWords(build2) {
  const tag = (words, input) => words.map((flag) => ({ flag, origin: { kind: "cli", name: `'${input}' (after the -- of cargo rustc)` } }));
  const [command, extra] = [tag(build2.command.slice(1), "build-command"), tag(build2.cargoArgs, "cargo-args")];
  const dashes = command.findIndex((w) => w.flag === "--");
  return dashes === -1 ? [...command, ...extra] : [...command.slice(0, dashes), ...extra, ...command.slice(dashes)];
}
function checkFlags(rustflags, rustcArgs, readArgfile) {
  const all = [
    ...findNonPortableFlags(rustflags, readArgfile),
    ...rustcArgs.length ? findNonPortableFlags([...rustcArgs, ...rustflags], readArgfile) : []
  ];
  const key = (f) => JSON.stringify([f.flag, f.severity, f.origin]);
  return all.filter((f, i) => all.findIndex((g) => key(g) === key(f)) === i);
}
async function resolveFlags(run2) {
  const { env, rustc, cargoConfig: files } = run2;
  const cwd = run2.config.workingDirectory;
  const targetTriple = selectTargetTriple(run2.config.build.cargoArgs, env, files, rustc.host);
  const cfgFor = async (flags) => {
    try {
      return await probeCfg(cwd, flags, targetTriple === rustc.host ? null : targetTriple, env);
    } catch (e) {
      warning(NO_CFG(targetTriple, e.message.split("\n")[0]));
      return [];
    }
  };
  const effective = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor([]) });
  const hasCfgKeys = files.some((f) => Object.keys(f.data.target ?? {}).some((k) => k.startsWith("cfg(")));
  if (!hasCfgKeys || effective.flags.length === 0) return { targetTriple, effective };
  const again = resolveEffectiveRustflags({
    env,
    files,
    targetTriple,
    cfg: await cfgFor(effective.flags.map((f) => f.flag))
  });
  const same = again.flags.map((f) => f.flag).join("") === effective.flags.map((f) => f.flag).join("");
  return { targetTriple, effective: same ? effective : again };
}
function argfileReader(cwd) {
  return (file) => {
    try {
      return readFileSync6(path12.resolve(cwd, file), "utf8");
    } catch {
      warning(
        logText(`RUSTFLAGS names the argfile @${file}, which cannot be read from ${cwd}; its flags were not checked.`)
      );
      return null;
    }
  };
}
function logFlags(run2, targetTriple, effective, rustcArgs, hash, findings) {
  const mode = run2.config.guard.mode;
  startGroup("Watchmaker: effective RUSTFLAGS");
  info(logText(`target: ${targetTriple}`));
  info(logText(`source: ${effective.source}`));
  info(logText(`flags: ${effective.flags.length ? effective.flags.map((f) => f.flag).join(" ") : "(none)"}`));
  if (rustcArgs.length)
    info(logText(`rustc arguments (cargo rustc, final target only): ${rustcArgs.map((f) => f.flag).join(" ")}`));
  info(logText(`config: ${run2.cargoConfig.length ? run2.cargoConfig.map((f) => f.path).join(", ") : "(none)"}`));
  info(`hash: ${hash.slice(0, 16)}`);
  info(`guard: ${mode}${mode === "off" ? "" : `, ${findings} finding(s)`}`);
  endGroup();
}
function annotate(findings, enforcing, env) {
  const annotated = { errors: 0, warnings: 0 };
  for (const finding of findings) {
    const properties = {
      title: finding.severity === "error" ? "Non-portable RUSTFLAGS" : "Watchmaker: CPU-specific flag"
    };
    if (finding.origin.file) {
      properties.file = relativeToWorkspace(finding.origin.file, env);
      if (finding.origin.line) properties.startLine = finding.origin.line;
    }
    if (finding.severity === "error" && enforcing) {
      error(finding.message, properties);
      annotated.errors++;
    } else {
      warning(finding.message, properties);
      annotated.warnings++;
    }
  }
  return annotated;
}

// src/run.ts
async function prepareRun(parts) {
  const { config, context, env } = parts;
  const rustc = parts.rustc ?? await probeRustcVersion(config.workingDirectory, env);
  const cargoConfig = loadCargoConfig(config.workingDirectory, env, config.build.cargoArgs);
  const workspace = await workspaceInfo(config.workingDirectory, env, config.build.cargoArgs);
  const backend = parts.backend ?? createBackend(config, context, env);
  return { config, context, env, rustc, cargoConfig, workspace, backend };
}
function withTarget(run2, target) {
  return { ...run2, target };
}

// src/steps/main.ts
var WRAPPER_PATH = path13.join(path13.dirname(fileURLToPath(import.meta.url)), WRAPPER_SOURCE_NAME);
var STARTED = (rustc, profile, eventName) => `Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${profile}', ${eventName ? `event '${eventName}'` : "local run"}`;
var GUARD_FAILED = (errors) => `Watchmaker guard: ${errors} non-portable flag setting${errors === 1 ? "" : "s"} would make this CI build depend on the runner's CPU (see the annotations above). Set 'guard: warn' to only warn.`;
var STALE_HIT = (rebuilt) => `The exact cache key was restored, yet ${rebuilt} dependenc${rebuilt === 1 ? "y was" : "ies were"} compiled again: the cached entry is stale. The post step replaces it.`;
async function run(env = process.env) {
  const state = emptyPostState();
  try {
    await mainSteps(env, state);
  } catch (e) {
    if (e instanceof RebuildCancelled) state.interrupted = true;
    failStep(e);
  } finally {
    writePostState(state);
  }
}
function failStep(e) {
  if (e instanceof InputError) {
    setFailed(e.message);
    return;
  }
  if (e instanceof CargoConfigError) {
    const file = e.file.startsWith("--config ") ? void 0 : relativeToWorkspace(e.file, process.env);
    error(e.message, { title: "Invalid cargo config", file, startLine: e.line ?? void 0 });
    setFailed(`Watchmaker could not read cargo's configuration: ${e.message}`);
    return;
  }
  setFailed(`Watchmaker failed: ${e.message}`);
  debug(e.stack ?? String(e));
}
async function mainSteps(env, state) {
  const clock = new PhaseClock();
  const prepared2 = await prepareRun({ config: readConfig(env, { warnings: true }), context: loadRunContext(env), env });
  clock.mark("setup");
  const { config, context, rustc } = prepared2;
  info(STARTED(rustc, config.profile, context.eventName));
  const guard = await guardPhase(prepared2);
  clock.mark("guard");
  if (!guard) return;
  const targeted = withTarget(prepared2, { triple: guard.targetTriple, flagsHash: guard.hash });
  state.flagsHash = guard.hash;
  setOutputs({ rustflagsHash: guard.hash });
  const cache = await cachePhase(targeted);
  if (cache && cache !== "failed") clock.add("freshness", cache.freshnessSeconds ?? 0);
  clock.mark("restore");
  if (cache === "failed") return;
  state.cache = cache;
  if (!config.build.enabled) {
    info("Watchmaker: build is false, so no timed build and no report. Later steps reuse the restored cache.");
    return;
  }
  const build2 = await runTimedBuild(targeted, { wrapperPath: WRAPPER_PATH });
  clock.add("build", build2.record.totals.wallSeconds);
  clock.mark("measure");
  state.build = handOff(build2, cache);
  try {
    await afterBuild(targeted, { guard, cache, build: build2, clock, state });
  } finally {
    finishRecord(build2, clock);
  }
}
async function afterBuild(prepared2, { guard, cache, build: build2, clock, state }) {
  if (build2.interruptedBy) {
    state.interrupted = true;
    setFailed(STOPPED(build2.interruptedBy));
    return;
  }
  setOutputs({
    record: build2.recordPath,
    report: build2.recordPath,
    timingsHtml: build2.timingsHtml ?? "",
    buildSeconds: build2.record.totals.wallSeconds.toFixed(2),
    parallelism: parallelismOutput(build2.record.parallelism)
  });
  const outcome = await reportOrWarn(prepared2, guard, cache, build2, clock);
  clock.mark("report");
  await adviseIfAsked({
    run: prepared2,
    build: build2,
    wrapperPath: WRAPPER_PATH,
    rustflags: guard.effective.flags.map((f) => f.flag),
    phases: clock
  });
  const failure = stepFailure(prepared2.config.report, gateInput(prepared2.config, build2, outcome));
  if (failure) setFailed(failure);
}
var STOPPED = (signal) => `The build was stopped by ${signal} (the job was cancelled or timed out). Nothing is cached from this run.`;
function finishRecord(build2, clock) {
  const own2 = ownSeconds(clock.seconds).toFixed(2);
  info(`Watchmaker: time by phase in the main step: ${phasesText(clock.seconds)}; the action's own ${own2} s.`);
  build2.record.phases = { ...clock.seconds };
  writeRunRecord(build2.recordPath, build2.record);
}
async function reportOrWarn(prepared2, guard, cache, build2, clock) {
  const { config } = prepared2;
  const outcome = await produceReport({
    config,
    context: prepared2.context,
    env: prepared2.env,
    record: build2.record,
    recordPath: build2.recordPath,
    targetDir: cache?.targetDir ?? prepared2.workspace.targetDirectory,
    buildSample: async (side2, label, env) => (await runTimedBuild(prepared2, { wrapperPath: WRAPPER_PATH, label, checkout: side2, env })).record,
    calibrate: () => calibrateHere(prepared2, WRAPPER_PATH),
    phases: clock,
    backend: config.report.baseline === "rebuild" ? null : prepared2.backend,
    flagsHash: prepared2.target.flagsHash,
    guard: summarizeGuard(guard),
    cache: summarizeCache(cache)
  }).catch((e) => {
    if (e instanceof RebuildCancelled) throw e;
    warning(`Watchmaker could not produce the build-time report: ${e.message}`);
    debug(e.stack ?? String(e));
    return null;
  });
  setOutputs({
    verdict: outcome?.verdict ?? (build2.exitCode === 0 ? "no-baseline" : "build-failed"),
    verdictReason: outcome?.reason ?? "",
    reportMarkdown: outcome?.markdownPath,
    baselineSeconds: outcome ? outcome.baselineSeconds === null ? "" : outcome.baselineSeconds.toFixed(2) : void 0,
    changePercent: outcome ? outcome.changePercent === null ? "" : outcome.changePercent.toFixed(2) : void 0,
    workChangePercent: outcome ? outcome.workChange === null ? "" : (outcome.workChange * 100).toFixed(2) : void 0
  });
  return outcome;
}
function gateInput(config, build2, outcome) {
  return {
    command: [config.build.command[0], ...buildArgs(config.build, [])].join(" "),
    exitCode: build2.exitCode,
    recordPath: build2.recordPath,
    verdict: outcome?.verdict ?? null,
    changePercent: outcome?.changePercent ?? null,
    metric: outcome?.metric ?? null,
    workChange: outcome?.workChange ?? null
  };
}
async function guardPhase(prepared2) {
  const guard = await runGuard(prepared2);
  if (!guard.failed) return guard;
  const errors = guard.annotated.errors;
  setFailed(GUARD_FAILED(errors));
  return void 0;
}
async function cachePhase(prepared2) {
  if (!prepared2.config.cache.enabled) {
    setOutputs({ cacheHit: "disabled" });
    return null;
  }
  turnIncrementalOff(prepared2.env, prepared2.rustc.release);
  try {
    const state = await restoreCache(prepared2);
    setOutputs({
      cacheHit: state.hit,
      cacheKey: state.primaryKey,
      cacheBytes: state.restoredBytes === null ? "" : String(state.restoredBytes)
    });
    return state;
  } catch (e) {
    setFailed(`Watchmaker cache restore failed: ${e.message}`);
    return "failed";
  }
}
function handOff(build2, cache) {
  const artifactsFile = handArtifacts(build2.scratchDir, build2.artifacts);
  const rebuiltDependencies = staleDependencies(cache?.hit, build2.record);
  if (rebuiltDependencies > 0) {
    warning(STALE_HIT(rebuiltDependencies));
  }
  const rebuiltMembers = build2.record.crates.filter((c) => c.workspaceMember).length;
  return {
    recordPath: build2.recordPath,
    success: build2.exitCode === 0,
    artifactsFile,
    rebuiltDependencies,
    rebuiltMembers
  };
}
function summarizeGuard(guard) {
  return {
    mode: guard.mode,
    failed: guard.failed,
    errors: guard.annotated.errors,
    warnings: guard.annotated.warnings,
    flags: guard.effective.flags.map((f) => f.flag),
    source: guard.effective.source
  };
}
function summarizeCache(cache) {
  if (!cache) return { hit: "disabled", key: null, restoredBytes: null, backend: null };
  return {
    hit: cache.hit,
    key: cache.primaryKey,
    restoredBytes: cache.restoredBytes,
    backend: cache.backend === "github" ? "GitHub Actions cache" : "local cache directory"
  };
}
export {
  failStep,
  run
};

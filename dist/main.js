import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  CargoConfigError,
  HISTORY_LENGTH,
  InputError,
  PARALLEL_JOBS,
  PhaseClock,
  RECORD_SCHEMA,
  RECORD_SCHEMA_VERSION,
  RebuildCancelled,
  addGroups,
  buildArgs,
  capture,
  captureOk,
  carryWork,
  childEnv,
  closingBracket,
  commandNote,
  compareWork,
  configValue,
  crateKey,
  crateOfKey,
  createBackend,
  debug,
  emptyPostState,
  emptyTally,
  endGroup,
  endWhenDone,
  error,
  evaluate,
  findKeyLine,
  formatChange,
  genericGroup,
  getPath,
  hashesInPath,
  info,
  instantiateIr,
  irWasmModule,
  isEntryPoint,
  isNextest,
  layoutOfArtifacts,
  loadCachedBaseline,
  loadCargoConfig,
  loadRunContext,
  localDependencies,
  logText,
  measureBaseByRebuild,
  notFound,
  ownSeconds,
  packageWork,
  phasesText,
  plural,
  publishReport,
  readConfig,
  relativeToWorkspace,
  restoreCache,
  rustName,
  setFailed,
  setOutput,
  settles,
  sha256,
  shortHash,
  staleDependencies,
  startGroup,
  stopCommands,
  subcommandOf,
  timedBuildFlags,
  warning,
  workspaceInfo,
  writePostState,
  writesCode
} from "./chunks/chunk-QLZLUO3U.js";

// src/steps/main.ts
import { mkdirSync as mkdirSync3, writeFileSync as writeFileSync4 } from "node:fs";
import path12 from "node:path";
import { fileURLToPath } from "node:url";

// src/guard/index.ts
import { readFileSync } from "node:fs";
import path2 from "node:path";

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

// src/guard/flags.ts
import { createHash } from "node:crypto";
import path from "node:path";
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
      `${displayKey} is an array in one cargo config file and a string in ${stringFile.path}; cargo refuses to merge them ("expected array, but found string"). Use arrays everywhere.`,
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
    const list = mergedConfigList(files, ["target", key, "rustflags"], `target.'${key}'.rustflags`);
    if (list.length === 0) continue;
    flags.push(...list);
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
  const evaluate2 = (e) => {
    switch (e.kind) {
      case "name":
        return set.some(([n, v]) => n === e.name && v === null);
      case "pair":
        return set.some(([n, v]) => n === e.name && v === e.value);
      case "all":
        return e.items.every(evaluate2);
      case "any":
        return e.items.some(evaluate2);
      case "not":
        return !evaluate2(e.item);
      case "bool":
        return e.value;
    }
  };
  return evaluate2(expr);
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
var FIX = 'Build CI artifacts for the baseline CPU: tune speed with profile settings (opt-level, lto, codegen-units in [profile.*] of Cargo.toml) and keep target-cpu=native out of committed config: put it in your own ~/.cargo/config.toml, or in an alias for local builds ([alias] native = "rustc --release -- -C target-cpu=native", then `cargo native`).';
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
      message: `\`${cpu.flag}\` (from ${where(cpu.origin)}) compiles for this runner's CPU: the binaries and the cached target/ crash with illegal instructions on older CPUs, and the cache stops matching across runners. ${FIX}`
    });
  } else if (cpu && cpu.value.trim().replace(/^"|"$/g, "").toLowerCase() === "native") {
    findings.push({
      severity: "warning",
      flag: cpu.flag,
      origin: cpu.origin,
      message: `\`${cpu.flag}\` (from ${where(cpu.origin)}) is not a CPU rustc recognizes ('${cpu.value}' is not exactly 'native'), so rustc ignores it and builds for the baseline CPU. Remove the flag.`
    });
  } else if (cpu && !BASELINE_CPUS.has(cpu.value)) {
    findings.push({
      severity: "warning",
      flag: cpu.flag,
      origin: cpu.origin,
      message: `\`${cpu.flag}\` (from ${where(cpu.origin)}) requires a CPU with at least the features of '${cpu.value}'. That is portable only to runners that have them; check this is intended.`
    });
  }
  for (const s of settings.filter((x) => x.key === "target_feature")) {
    const enabled = s.value.split(",").filter((f) => f.startsWith("+") && f !== "+crt-static");
    if (enabled.length) {
      findings.push({
        severity: "warning",
        flag: s.flag,
        origin: s.origin,
        message: `\`${s.flag}\` (from ${where(s.origin)}) enables CPU features (${enabled.join(", ")}); the binaries need a CPU that has them.`
      });
    }
  }
  return findings;
}
function rustflagsHash(flags, targetTriple, rustcArgs = []) {
  return createHash("sha256").update(JSON.stringify(rustcArgs.length ? { targetTriple, flags, rustcArgs } : { targetTriple, flags })).digest("hex");
}
var BUILTIN_COMMANDS = new Set(
  "add bench build check clean config doc fetch fix generate-lockfile help info init install locate-project login logout metadata new owner package pkgid publish read-manifest remove report run rustc rustdoc search test tree uninstall update vendor verify-project version yank b c d r t rm".split(
    " "
  )
);
var GLOBAL_WITH_VALUE = /* @__PURE__ */ new Set(["--color", "--config", "-Z", "-C", "--explain"]);
function subcommandIndex(words, from) {
  let i = from;
  while (i < words.length && (words[i].flag.startsWith("-") || words[i].flag.startsWith("+")))
    i += GLOBAL_WITH_VALUE.has(words[i].flag) ? 2 : 1;
  return i;
}
function cargoAlias(files, env, name) {
  const fromFiles = (list) => {
    const f = list.find((x) => getPath(x.data, ["alias", name]) !== void 0);
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

// src/guard/index.ts
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
function commandWords(build) {
  const tag = (words, input) => words.map((flag) => ({ flag, origin: { kind: "cli", name: `'${input}' (after the -- of cargo rustc)` } }));
  const [command, extra] = [tag(build.command.slice(1), "build-command"), tag(build.cargoArgs, "cargo-args")];
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
      warning(
        `Watchmaker could not ask rustc for the cfg of ${targetTriple} (${e.message.split("\n")[0]}); target.'cfg(...)' rustflags are matched as if no cfg were set.`
      );
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
      return readFileSync(path2.resolve(cwd, file), "utf8");
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
  parallelism: "parallelism"
};
function setOutputs(outputs) {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== void 0) setOutput(OUTPUT_NAMES[name], value);
  }
}

// src/side-file.ts
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import path3 from "node:path";
function head(file) {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(4096);
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
function sideFilePath(preferred, fallbackDir, writtenByUs) {
  if (!existsSync(preferred)) return preferred;
  try {
    if (writtenByUs(head(preferred))) return preferred;
  } catch {
  }
  return path3.join(fallbackDir, path3.basename(preferred));
}
var isCargoTimings = (text) => text.includes("Cargo Build Timings");
var isWatchmakerReport = (text) => text.startsWith("<!-- watchmaker-report");

// src/report/run.ts
import { writeFileSync } from "node:fs";
import path4 from "node:path";

// src/report/recorded.ts
function findRecorded(history, key, fingerprint, cpuModel) {
  for (const entry of history) {
    if (cpuModel === null || entry.cpuModel !== cpuModel || !entry.inputsTransitive) continue;
    const crate = entry.crates.find((c) => crateKey(c.crate, c.version) === key && c.inputFingerprint === fingerprint);
    if (crate) return { entry, crate };
  }
  return null;
}
var asCost = (c, units) => ({
  crate: c.crate,
  version: c.version,
  workspaceMember: true,
  units,
  wallSeconds: c.wallSeconds,
  cpuSeconds: c.cpuSeconds,
  instructions: c.instructions,
  peakRssKiB: null,
  inputFingerprint: c.inputFingerprint,
  contention: c.contention ?? null
});
function withRecordedTimes(head2, base, history) {
  if (!head2.measurement.inputsTransitive || !base.measurement.inputsTransitive) return { base, recorded: [] };
  const compiledThere = new Set(base.crates.map((c) => crateKey(c.crate, c.version)));
  const freshThere = new Map((base.freshCrates ?? []).map((f) => [crateKey(f.crate, f.version), f.inputFingerprint]));
  const added = [];
  const recorded = [];
  for (const c of head2.crates) {
    const key = crateKey(c.crate, c.version);
    const fingerprint = freshThere.get(key);
    if (!c.workspaceMember || compiledThere.has(key) || !fingerprint) continue;
    const found = findRecorded(history, key, fingerprint, head2.runner.cpuModel);
    if (!found) continue;
    added.push(asCost(found.crate, c.units));
    recorded.push({ crate: c.crate, commit: found.entry.commit });
  }
  if (added.length === 0) return { base, recorded };
  return { base: { ...base, crates: [...base.crates, ...added] }, recorded };
}
function recordedText(recorded) {
  if (recorded.length === 0) return null;
  const names = recorded.map((r) => r.crate).join(", ");
  const commits = [...new Set(recorded.map((r) => r.commit ? r.commit.slice(0, 7) : "an earlier commit"))].join(", ");
  const one = recorded.length === 1;
  return `${names} ${one ? "was" : "were"} fresh in the baseline's run, so ${one ? "its" : "their"} base time is the one recorded when the default branch last compiled the same inputs (${commits})`;
}

// src/report/run.ts
function historyEntry(r) {
  return {
    commit: r.git.commit,
    createdAt: r.createdAt,
    cpuModel: r.runner.cpuModel,
    calibrationCpuSeconds: r.calibration?.cpuSeconds ?? null,
    ...r.measurement.inputsTransitive ? { inputsTransitive: true } : {},
    crates: r.crates.map((c) => ({
      crate: c.crate,
      version: c.version,
      cpuSeconds: c.cpuSeconds,
      wallSeconds: c.wallSeconds,
      instructions: c.instructions,
      inputFingerprint: c.inputFingerprint ?? null,
      contention: c.contention ?? null
    }))
  };
}
var historyOf = (base) => base?.[0] ? [historyEntry(base[0]), ...base[0].history ?? []].slice(0, HISTORY_LENGTH) : [];
var CONFIRM_MAX_SAMPLES = 15;
var LOOKS = /* @__PURE__ */ new Set([5, 7, 9, 12, CONFIRM_MAX_SAMPLES]);
function growUntilSettled(input, first) {
  return {
    maxSamples: Math.max(first, CONFIRM_MAX_SAMPLES),
    settled: ({ head: head2, base }) => {
      const n = Math.min(head2.length, base.length);
      if (n !== first && !LOOKS.has(n)) return false;
      const { comparison, decision } = evaluate(head2, base, input.config.report.threshold, []);
      return !comparison || !decision || settles(comparison, decision);
    }
  };
}
var noRebuild = (input, note, seconds) => ({
  head: [input.record],
  base: null,
  label: null,
  note,
  seconds
});
async function rebuildBaseline(input, samples, deadlineMs, growth = {}) {
  const baseSha = input.context.pullRequest?.baseSha;
  if (!baseSha)
    return noRebuild(
      input,
      "No comparison: rebuilding the base needs a pull_request event (to know the base commit).",
      0
    );
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1e3;
  try {
    const measured = await measureBaseByRebuild({
      headDir: input.config.workingDirectory,
      baseSha,
      profile: input.config.profile,
      samples,
      targetDir: input.targetDir,
      env: input.env,
      build: input.buildSample,
      deadlineMs,
      clean: yoursCompiled(input.record),
      ...growth
    });
    const n = Math.min(measured.base.length, measured.head.length);
    const label = `base commit ${baseSha.slice(0, 7)}, rebuilt here ${n}\xD7 alternating with this commit`;
    return { head: measured.head, base: measured.base, label, note: null, seconds: seconds() };
  } catch (e) {
    if (e instanceof RebuildCancelled) throw e;
    const reason = e.message;
    warning(`Watchmaker could not rebuild the base commit: ${reason}`);
    return noRebuild(input, `No comparison: the base commit could not be rebuilt here (${reason}).`, seconds());
  } finally {
    input.phases.add("confirm", seconds());
  }
}
function yoursCompiled(record) {
  return [...new Set(record.crates.filter((c) => c.workspaceMember).map((c) => c.crate))];
}
var BUDGET_FLOOR = 60;
var BUDGET_CAP = 600;
function budgetSeconds(config, record) {
  const b = config.report.confirmBudget;
  return b.kind === "seconds" ? b.value : Math.min(BUDGET_CAP, Math.max(BUDGET_FLOOR, b.value * record.totals.wallSeconds));
}
function confirmEstimate(record, samples) {
  const members = record.crates.filter((c) => c.workspaceMember).reduce((a, c) => a + c.wallSeconds, 0);
  return (1 + 2 * samples) * Math.max(members, 0.1);
}
function unconfirmed(decision, why) {
  const toConclude = "a confirmation by rebuilding the base commit here (raise confirm-budget, or set baseline: rebuild)";
  const sentence = `${decision.sentence} Not confirmed: ${why}.`;
  if (decision.verdict === "inconclusive") return { ...decision, sentence, toConclude };
  return { ...decision, verdict: "inconclusive", reason: "not-confirmed", sentence, toConclude };
}
async function confirm(input, cached) {
  const samples = Math.max(3, input.config.report.baselineSamples);
  const budget = budgetSeconds(input.config, input.record);
  const estimate = confirmEstimate(input.record, samples);
  const suggested = `the cached baseline suggested ${formatChange(cached.decision.change)}`;
  if (!input.context.pullRequest?.baseSha)
    return {
      ...cached,
      decision: unconfirmed(cached.decision, "this is not a pull request, so there is no base commit to rebuild")
    };
  if (estimate > budget) {
    return {
      ...cached,
      decision: unconfirmed(
        cached.decision,
        `confirming would take about ${estimate.toFixed(0)} s, over the budget of ${budget.toFixed(0)} s (confirm-budget)`
      ),
      path: `${cached.path ?? cached.label}; ${suggested}, not confirmed (over budget)`
    };
  }
  info(
    `Watchmaker: ${suggested}; confirming by rebuilding the base commit here (${samples} samples per side, up to ${CONFIRM_MAX_SAMPLES} while they leave the question open; budget ${budget.toFixed(0)} s).`
  );
  const rebuilt = await rebuildBaseline(input, samples, Date.now() + budget * 1e3, growUntilSettled(input, samples));
  if (!rebuilt.base?.length)
    return {
      ...cached,
      decision: unconfirmed(cached.decision, rebuilt.note ?? "the rebuild failed"),
      path: `${cached.path ?? cached.label}; ${suggested}, not confirmed`
    };
  const evaluated = evaluate(rebuilt.head, rebuilt.base, input.config.report.threshold, []);
  const path13 = `${cached.path ?? cached.label}; ${suggested}, so the base commit was rebuilt here to confirm: ${rebuilt.label}, ${rebuilt.seconds.toFixed(0)} s`;
  return { ...evaluated, decision: agreeing(cached.decision, evaluated.decision), ...rebuilt, path: path13 };
}
function agreeing(suggested, confirmed) {
  if (!confirmed || confirmed.verdict !== "regression" && confirmed.verdict !== "improvement") return confirmed;
  if (Math.sign(confirmed.change ?? 0) === Math.sign(suggested.change ?? 0)) return confirmed;
  return {
    ...confirmed,
    sentence: `${confirmed.sentence} The cached baseline had suggested ${formatChange(suggested.change)}: one sample per side from two runners, which the samples taken here overrule.`
  };
}
async function cachedEvaluation(input) {
  const loaded = input.backend ? await loadCachedBaseline({ ...input, backend: input.backend }) : { base: null, label: null, note: null };
  await calibrations(input, loaded.base?.[0] ?? null);
  carryForward(input, loaded.base);
  const history = historyOf(loaded.base);
  const known = loaded.base?.length === 1 ? withRecordedTimes(input.record, loaded.base[0], history) : null;
  const base = known ? [known.base] : loaded.base;
  const evaluated = evaluate([input.record], base, input.config.report.threshold, history);
  const from = known ? recordedText(known.recorded) : null;
  return {
    ...evaluated,
    ...loaded,
    base,
    head: [input.record],
    path: from && loaded.label ? `${loaded.label}; ${from}` : loaded.label
  };
}
var keepsHistory = (input) => !input.context.onGitHub || input.context.onDefaultBranch;
async function calibrations(input, base) {
  const known = { ...base?.calibrations ?? {} };
  const baseModel = base?.runner.cpuModel ?? null;
  if (base?.calibration && baseModel) known[baseModel] ??= base.calibration;
  const model = input.record.runner.cpuModel;
  let mine = model ? known[model] ?? null : null;
  const bridges = base !== null && baseModel !== model && baseModel !== null && known[baseModel] !== void 0;
  if (!mine && model && (bridges || keepsHistory(input))) {
    const started = performance.now();
    mine = await input.calibrate();
    input.phases.add("calibration", (performance.now() - started) / 1e3);
    if (mine)
      info(
        `Watchmaker: calibration workload measured on this CPU model (${model}): ${mine.cpuSeconds.toFixed(3)} s of CPU.`
      );
  }
  input.record.calibration = mine;
  if (base && !base.calibration && baseModel && known[baseModel]) base.calibration = known[baseModel];
  if (keepsHistory(input)) input.record.calibrations = { ...known, ...model && mine ? { [model]: mine } : {} };
}
function carryForward(input, base) {
  if (keepsHistory(input)) input.record.history = historyOf(base);
  const carried = base?.[0] ? carryWork(input.record, base[0]) : 0;
  if (carried > 0)
    info(
      `Watchmaker: compile work of ${carried} fresh crate${carried === 1 ? "" : "s"} carried from the baseline's record (same inputs, same object code).`
    );
}
async function evaluation(input) {
  const mode = input.config.report.baseline;
  if (!input.record.success)
    return { comparison: null, decision: null, base: null, label: null, note: null, head: [input.record], path: null };
  if (mode === "rebuild") {
    const first = input.config.report.baselineSamples;
    const rebuilt = await rebuildBaseline(input, first, Date.now() + budgetSeconds(input.config, input.record) * 1e3, {
      ...growUntilSettled(input, first),
      deadlineForExtrasOnly: true
    });
    return {
      ...evaluate(rebuilt.head, rebuilt.base, input.config.report.threshold, []),
      ...rebuilt,
      path: rebuilt.label ? `${rebuilt.label}, ${rebuilt.seconds.toFixed(0)} s` : null
    };
  }
  const cached = await cachedEvaluation(input);
  return mode === "auto" && cached.decision?.suggestsChange ? confirm(input, cached) : cached;
}
async function produceReport(input) {
  const e = await evaluation(input);
  const work = e.base?.length ? compareWork(e.head, e.base) : null;
  const outcome = await publishReport(input, {
    record: input.record,
    comparison: e.comparison,
    decision: e.decision,
    baselineLabel: e.label,
    baselineNote: e.note,
    path: e.path,
    work,
    phases: { ...input.phases.seconds }
  });
  const beside = path4.join(
    path4.dirname(input.recordPath),
    `report-${input.config.profile.replace(/[^A-Za-z0-9_-]/g, "_")}.md`
  );
  const markdownPath = sideFilePath(beside, input.config.build.scratchDir, isWatchmakerReport);
  writeFileSync(markdownPath, outcome.markdown);
  return { ...outcome, markdownPath };
}

// src/timings/index.ts
import { copyFileSync as copyFileSync2, existsSync as existsSync5, mkdirSync as mkdirSync2, readFileSync as readFileSync4, statSync as statSync3, writeFileSync as writeFileSync3 } from "node:fs";
import path11 from "node:path";

// src/timings/cargo.ts
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

// src/timings/messages.ts
import path5 from "node:path";
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
        manifestDir: typeof msg.manifest_path === "string" ? path5.dirname(msg.manifest_path) : null
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
  const summary = {
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
  const table = /<table[^>]*summary-table[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? html;
  const row = /<td[^>]*>([^<]*?):<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/g;
  const int = (s) => /^\d+$/.test(s) ? Number(s) : null;
  for (let m = row.exec(table); m; m = row.exec(table)) {
    const label = m[1].trim().toLowerCase();
    const value = textOf(m[2]);
    if (label === "profile") summary.profile = value;
    else if (label === "fresh units") summary.freshUnits = int(value);
    else if (label === "dirty units") summary.dirtyUnits = int(value);
    else if (label === "total units") summary.totalUnits = int(value);
    else if (label === "total time")
      summary.totalSeconds = Number.parseFloat(value) || (value.startsWith("0") ? 0 : null);
    else if (label === "rustc") summary.rustc = value.split("\n")[0].trim();
    else if (label === "max concurrency") summary.maxConcurrency = value;
    else if (label === "build start") summary.buildStart = value;
    else if (label === "error") summary.error = value;
  }
  return summary;
}
function parseTimingsHtml(html) {
  const warnings = [];
  const rawUnits = extractArray(html, "UNIT_DATA", warnings);
  const units = (rawUnits ?? []).map((u, i) => parseUnit(u, i, warnings)).filter((u) => u !== null);
  const cpuUsage = (extractArray(html, "CPU_USAGE", warnings) ?? []).filter((p) => Array.isArray(p) && typeof p[0] === "number" && typeof p[1] === "number").map(([t, pct]) => [t, pct]);
  const summary = parseSummary(html);
  if (summary.totalSeconds === null) warnings.push('no "Total time" in the timings summary');
  return { units, summary, cpuUsage, warnings };
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

// src/timings/record.ts
import os from "node:os";

// src/parallelism/schedule.ts
var rmetaAfter = (u, cost) => Math.min(cost, Math.max(0, u.rmetaTime ?? cost));
function buildGraph(units) {
  const index = new Map(units.map((u, i) => [u.id, i]));
  const cost = units.map((u) => u.ran ? Math.max(0, u.duration) : 0);
  const waits = units.map(() => 0);
  const edges = units.map((u, i) => {
    const out = [];
    const add = (id, after) => {
      const to = index.get(id);
      if (to === void 0 || to === i) return;
      out.push({ to, after });
      waits[to] += 1;
    };
    for (const id of u.unblocked) add(id, cost[i]);
    for (const id of u.unblockedRmeta) add(id, rmetaAfter(u, cost[i]));
    return out;
  });
  return { units, cost, edges, waits };
}
function insertDescending(items, item, key) {
  let [lo, hi] = [0, items.length];
  while (lo < hi) {
    const mid = lo + hi >> 1;
    if (key(items[mid]) > key(item)) lo = mid + 1;
    else hi = mid;
  }
  items.splice(lo, 0, item);
}
var ReadyQueue = class {
  constructor(g) {
    this.g = g;
    const byStart = g.units.map((_, i) => i).sort((a, b) => g.units[a].start - g.units[b].start || a - b);
    this.order = g.units.map(() => 0);
    byStart.forEach((unit, place) => this.order[unit] = place);
  }
  g;
  fresh = [];
  queued = [];
  /** A unit's place in the real start order. */
  order;
  add(i) {
    if (this.g.cost[i] === 0) this.fresh.push(i);
    else insertDescending(this.queued, i, (u) => this.order[u]);
  }
  /** A ready unit that may start now: a fresh one, else the first when a job is free. */
  take(jobFree) {
    return this.fresh.pop() ?? (jobFree ? this.queued.pop() : void 0);
  }
};
var EPS = 1e-9;
var Replay = class {
  constructor(g, jobs) {
    this.g = g;
    this.jobs = jobs;
    this.waits = [...g.waits];
    this.starts = g.units.map(() => NaN);
    this.ready = new ReadyQueue(g);
    g.units.forEach((_, i) => this.waits[i] === 0 && this.ready.add(i));
  }
  g;
  jobs;
  now = 0;
  last = 0;
  started = 0;
  /** When each unit started (NaN: not yet). */
  starts;
  waits;
  ready;
  /** End times of the units holding a job, latest first. */
  running = [];
  /** Edges to meet, latest first. */
  due = [];
  /** Frees the jobs of units ended by now, and meets the edges due by now; true when any edge was. */
  meetDue() {
    while (this.running.length && this.running.at(-1) <= this.now + EPS) this.running.pop();
    let any = false;
    while (this.due.length && this.due.at(-1).at <= this.now + EPS) {
      const { to } = this.due.pop();
      if (--this.waits[to] === 0) this.ready.add(to);
      any = true;
    }
    return any;
  }
  /** Starts every ready unit a job is free for (fresh ones need none); true when any started. */
  startReady() {
    let any = false;
    for (let i = this.ready.take(this.running.length < this.jobs); i !== void 0; i = this.ready.take(this.running.length < this.jobs)) {
      const cost = this.g.cost[i];
      for (const e of this.g.edges[i]) insertDescending(this.due, { at: this.now + e.after, to: e.to }, (d) => d.at);
      this.starts[i] = this.now;
      if (cost > 0) insertDescending(this.running, this.now + cost, (end) => end);
      this.last = Math.max(this.last, this.now + cost);
      this.started += 1;
      any = true;
    }
    return any;
  }
  /** The next moment something happens (an edge met, a job freed), or null. */
  next() {
    const next = Math.min(this.due.at(-1)?.at ?? Infinity, this.running.at(-1) ?? Infinity);
    return next === Infinity ? null : next;
  }
  /** A cycle or a dangling wait (cargo's data is not a contract): what is stuck starts anyway. */
  unstick() {
    this.g.units.forEach((_, i) => {
      if (this.waits[i] <= 0) return;
      this.waits[i] = 0;
      this.ready.add(i);
    });
  }
};
function replay(g, jobs) {
  const r = new Replay(g, Math.max(1, jobs));
  for (; ; ) {
    while (r.meetDue() || r.startReady()) ;
    const next = r.next();
    if (next === null) {
      if (r.started >= g.units.length) return { wall: r.last, starts: r.starts };
      r.unstick();
      continue;
    }
    r.now = next;
  }
}
var simulate = (g, jobs) => replay(g, jobs).wall;

// src/parallelism/index.ts
var MODEL_TOLERANCE = 0.15;
var round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;
var compiled = (units) => units.filter((u) => u.ran && u.duration > 0);
function buildJobs(maxConcurrency, cpus) {
  const jobs = Number(/\bjobs=(\d+)/.exec(maxConcurrency ?? "")?.[1] ?? 0);
  return jobs > 0 ? jobs : Math.max(1, cpus);
}
function measuredWall(units) {
  const ran = compiled(units);
  if (ran.length === 0) return 0;
  return ran.reduce((last, u) => Math.max(last, u.start + u.duration), 0) - ran.reduce((first, u) => Math.min(first, u.start), Infinity);
}
function serialSeconds(units) {
  const points = compiled(units).flatMap((u) => [[u.start, 1], [u.start + u.duration, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let [active, previous, alone] = [0, 0, 0];
  for (const [at, change] of points) {
    if (active === 1) alone += at - previous;
    active += change;
    previous = at;
  }
  return alone;
}
var unitLabel = (u) => u.kind === "lib" ? u.name : `${u.name} (${u.kind})`;
function criticalChain(g, wall) {
  if (wall <= 0 || !g.cost.some((c) => c > 0)) return [];
  const { starts } = replay(g, Infinity);
  const readyBy = g.units.map(() => []);
  g.edges.forEach((edges, from) => edges.forEach((e) => readyBy[e.to].push({ from, holds: e.after })));
  const end = (i) => starts[i] + g.cost[i];
  const later = (i, j) => end(i) > end(j) || end(i) === end(j) && starts[i] > starts[j];
  let current = g.units.reduce((last, _, i) => later(i, last) ? i : last, 0);
  const chain = [{ from: current, holds: g.cost[current] }];
  for (; ; ) {
    const links = readyBy[current].filter((l) => !chain.some((c) => c.from === l.from));
    if (links.length === 0) break;
    const latest = links.reduce((a, b) => starts[b.from] + b.holds > starts[a.from] + a.holds ? b : a);
    chain.unshift(latest);
    current = latest.from;
  }
  return chain.filter((c) => g.cost[c.from] > 0).map((c) => ({ unit: unitLabel(g.units[c.from]), seconds: round(c.holds, 2), share: round(c.holds / wall, 3) }));
}
function predict(graph) {
  const out = {};
  let best = Infinity;
  for (const k of PARALLEL_JOBS) {
    best = Math.min(best, simulate(graph, Number(k)));
    out[k] = round(best, 2);
  }
  return out;
}
function parallelismOf(timings, cpus) {
  const wall = timings ? measuredWall(timings.units) : 0;
  if (!timings || wall <= 0) return null;
  const jobs = buildJobs(timings.summary.maxConcurrency, cpus);
  const graph = buildGraph(timings.units);
  const modelError = round(Math.abs(simulate(graph, jobs) - wall) / wall, 3);
  return {
    jobs,
    modelError,
    predicted: modelError > MODEL_TOLERANCE ? null : predict(graph),
    criticalPath: criticalChain(graph, wall),
    serialSeconds: round(serialSeconds(timings.units), 2)
  };
}
function parallelismOutput(p) {
  const predicted = p?.predicted;
  if (!predicted) return "";
  return `{${PARALLEL_JOBS.map((k) => `"${k}":${predicted[k].toFixed(1)}`).join(",")}}`;
}

// src/timings/record.ts
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
var round2 = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
function buildRunRecord(input) {
  const units = unitsOf(input);
  const crates = cratesOf(units).map((c) => ({
    ...c,
    inputFingerprint: input.fingerprints?.get(crateKey(c.crate, c.version)) ?? null,
    contention: input.wrapperUnits ? contentionOf(units, c.crate) : null,
    ...input.compileWork && (c.workspaceMember || input.compileWorkScope === "all") ? workOf(input, c) : {}
  }));
  const path13 = input.timings ? criticalPath(input.timings.units) : null;
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
    criticalPath: path13 ? { seconds: path13.seconds, units: path13.units.map(label) } : null,
    parallelism: parallelismOf(input.timings, os.cpus().length),
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
  const own = units.filter((u) => u.crate === crate && u.startSeconds !== null && u.kind !== "build-script-run");
  const others = units.filter((u) => u.crate !== crate && u.startSeconds !== null && u.kind !== "build-script-run");
  const wall = own.reduce((a, u) => a + u.wallSeconds, 0);
  if (wall <= 0) return null;
  let overlap = 0;
  for (const u of own) {
    const [s, e] = [u.startSeconds, u.startSeconds + u.wallSeconds];
    for (const o of others)
      overlap += Math.max(0, Math.min(e, o.startSeconds + o.wallSeconds) - Math.max(s, o.startSeconds));
  }
  return round2(overlap / wall, 2);
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
  const compiled2 = compileUnits(units);
  const cpuMeasured = compiled2.length > 0 && compiled2.every((u) => u.cpuSeconds !== null);
  const instructionsMeasured = compiled2.length > 0 && compiled2.every((u) => u.instructions !== null);
  const unitsFresh = input.timings?.summary.freshUnits ?? input.messages.artifacts.filter((a) => a.fresh).length;
  return {
    wallSeconds: round2(input.wallSeconds),
    cpuSeconds: cpuMeasured ? round2(compiled2.reduce((a, u) => a + (u.cpuSeconds ?? 0), 0)) : null,
    instructions: instructionsMeasured ? compiled2.reduce((a, u) => a + (u.instructions ?? 0), 0) : null,
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
  const compiled2 = new Set(crates.map((c) => crateKey(c.crate, c.version)));
  const fresh = [];
  for (const [key, inputFingerprint] of input.fingerprints ?? []) {
    const crate = crateOfKey(key);
    const version = key.slice(crate.length + 1) || null;
    const member = input.workspaceMembers.has(crate);
    if ((member || input.compileWorkScope === "all") && !compiled2.has(key))
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
    wallSeconds: round2(Math.max(0, u.end - u.start)),
    cpuSeconds: u.user === null || u.sys === null ? null : round2(u.user + u.sys),
    peakRssKiB: u.maxRssKiB,
    instructions: u.instructions,
    startSeconds: round2(Math.max(0, u.start - input.startedAtMs / 1e3), 2)
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
    c.wallSeconds = round2(c.wallSeconds + u.wallSeconds);
    if (u.cpuSeconds !== null) c.cpuSeconds = round2((c.cpuSeconds ?? 0) + u.cpuSeconds);
    if (u.instructions !== null) c.instructions = (c.instructions ?? 0) + u.instructions;
    if (u.peakRssKiB !== null) c.peakRssKiB = Math.max(c.peakRssKiB ?? 0, u.peakRssKiB);
    byCrate.set(key, c);
  }
  return [...byCrate.values()].sort((a, b) => (b.cpuSeconds ?? b.wallSeconds) - (a.cpuSeconds ?? a.wallSeconds));
}

// src/timings/wrapper.ts
import {
  chmodSync,
  copyFileSync,
  existsSync as existsSync2,
  mkdirSync,
  readdirSync,
  readFileSync as readFileSync2,
  renameSync,
  rmSync,
  statSync
} from "node:fs";
import path6 from "node:path";
function userWrapper(env, cargoConfig) {
  if (env.RUSTC_WRAPPER !== void 0) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== void 0) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  const v = configValue(cargoConfig, ["build", "rustc-wrapper"]);
  if (v === void 0 || v.value === "") return null;
  if (typeof v.value !== "string") {
    warning(
      logText(
        `build.rustc-wrapper in ${v.file} is not a string, so it is not chained in the timed build; cargo rejects it too.`
      )
    );
    return null;
  }
  return v.value.includes("/") ? path6.resolve(path6.dirname(path6.dirname(v.file)), v.value) : v.value;
}
function wrapperFiles(scratch) {
  return { unitsFile: `${scratch}.units.jsonl` };
}
var WRAPPER_SOURCE_NAME = "rustc-wrapper.rs";
var TARGET_WRAPPER_DIR = ".watchmaker";
var BINARY = /^rustc-wrapper-[0-9a-f]{16}(\.exe)?$/;
function wrapperSource(given) {
  if (given.endsWith(".rs")) return given;
  const dir = path6.dirname(given);
  const candidates = [path6.join(dir, WRAPPER_SOURCE_NAME), path6.resolve(dir, "../../tools/rustc-wrapper/main.rs")];
  return candidates.find((c) => existsSync2(c)) ?? candidates[0];
}
function wrapperBinaryName(rustcVersionText, source, platform = process.platform) {
  return `rustc-wrapper-${shortHash(`${rustcVersionText.trim()}
${source}`, 16)}${platform === "win32" ? ".exe" : ""}`;
}
function wrapperPlaces(targetDir, env, ownTempDir, p = path6) {
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
    text = readFileSync2(source, "utf8");
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
    const candidate = path6.join(dir, name);
    if (existsSync2(candidate) && await answers(candidate, rustcText, ctx)) {
      ctx.log(`Watchmaker: using the rustc wrapper built before (${candidate}).`);
      return candidate;
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
  const work = path6.join(dir, `.build-${process.pid}`);
  try {
    mkdirSync(work, { recursive: true });
    const args = ["--edition", "2021", "-C", "opt-level=2", "-o", path6.join(work, name), source];
    const r = await capture(rustcCommand(ctx.env), args, { cwd: ctx.cwd, env: ctx.env });
    if (r.code !== 0) {
      debug(r.stderr);
      const first = r.stderr.trim().split("\n").slice(0, 4).join(" ");
      return { problem: `rustc failed with exit code ${r.code}: ${first}` };
    }
    renameSync(path6.join(work, name), path6.join(dir, name));
    return path6.join(dir, name);
  } catch (e) {
    debug(e.stack ?? String(e));
    if (existsSync2(path6.join(dir, name))) return path6.join(dir, name);
    return { problem: e.message };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
function withoutWrapper(problem) {
  warning(
    logText(
      `Watchmaker could not build its rustc wrapper (tools/rustc-wrapper/main.rs): ${problem}. This build is timed without it: each crate's wall time comes from cargo's timings report, with no CPU time or peak memory.`
    )
  );
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
  const dir = path6.join(targetDir, TARGET_WRAPPER_DIR);
  const name = path6.basename(binary);
  if (path6.dirname(binary) === dir || !hasCargoTag(targetDir)) return;
  try {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(dir))
      if (BINARY.test(old) && old !== name) rmSync(path6.join(dir, old), { force: true });
    if (statSync(path6.join(dir, name), { throwIfNoEntry: false })?.size === statSync(binary).size) return;
    const partial = path6.join(dir, `.${name}.${process.pid}`);
    copyFileSync(binary, partial);
    chmodSync(partial, 493);
    renameSync(partial, path6.join(dir, name));
  } catch (e) {
    log(
      `Watchmaker: the rustc wrapper was not copied into ${dir} for later jobs (${e.message}); the next job builds it again.`
    );
  }
}
function hasCargoTag(dir) {
  try {
    return readFileSync2(path6.join(dir, "CACHEDIR.TAG"), "utf8").startsWith(CACHEDIR_SIGNATURE);
  } catch {
    return false;
  }
}

// src/timings/calibration.ts
import { existsSync as existsSync3, mkdtempSync, readFileSync as readFileSync3, rmSync as rmSync2, writeFileSync as writeFileSync2 } from "node:fs";
import os2 from "node:os";
import path7 from "node:path";
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
  const units = path7.join(dir, "units.jsonl");
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
  args.push("--emit", "obj", "-o", path7.join(dir, "calib.o"), path7.join(dir, "calib.rs"));
  const wrapperEnv = { ...env, WATCHMAKER_UNITS_FILE: units, WATCHMAKER_INNER_WRAPPER: "" };
  const r = await capture(wrapper, args, { cwd: dir, env: wrapperEnv }).catch(() => null);
  if (!r || r.code !== 0 || !existsSync3(units)) return null;
  const line = JSON.parse(readFileSync3(units, "utf8").trim().split("\n").at(-1) ?? "{}");
  return typeof line.user === "number" && typeof line.sys === "number" ? line.user + line.sys : null;
}
async function calibrate(wrapper, rustc, env) {
  const dir = mkdtempSync(path7.join(os2.tmpdir(), "watchmaker-calibration-"));
  try {
    writeFileSync2(path7.join(dir, "calib.rs"), SOURCE);
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
import path8 from "node:path";
function crateFingerprints(messages, git, depInfo = () => null) {
  const units = /* @__PURE__ */ new Map();
  const entry = (name, version, source, manifestDir) => {
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
    const e = entry(a.package.name, a.package.version, a.package.source, a.manifestDir);
    for (const f of a.filenames) hashesInPath(f).forEach((h) => e.hashes.add(h));
    const listed = e.path && e.read ? listedFiles(a.filenames, depInfo) : null;
    if (listed) listed.forEach((f) => e.read.add(f));
    else e.read = null;
  }
  for (const b of messages.buildScripts) {
    const e = entry(b.package.name, b.package.version, b.package.source, null);
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
    const files = unit.read ? [...unit.read, path8.join(dir, "Cargo.toml")] : ownFiles(dir, packageDirs, git);
    if (files.some((f) => git.dirty.includes(f))) return null;
    const blobs = [...new Set(files)].map((f) => [f, git.blobs.get(f)]).filter(([, blob]) => blob !== void 0);
    if (blobs.length === 0) return null;
    blobs.sort(([a], [b]) => a.localeCompare(b));
    parts.push(...blobs.map(([f, blob]) => `${path8.relative(dir, f)} ${blob}`));
  }
  return parts.length ? sha256(parts.join("\n")) : null;
}
function ownFiles(dir, packageDirs, git) {
  const inside = (f, d) => f.startsWith(`${d}${path8.sep}`);
  const nested = packageDirs.filter((d) => d !== dir && inside(d, dir));
  const own = (f) => inside(f, dir) && !nested.some((d) => inside(f, d));
  return [...git.blobs.keys(), ...git.dirty].filter(own);
}
function depInfoCandidates(filename) {
  const dir = path8.dirname(filename);
  const stem = path8.basename(filename).replace(/\.(rlib|rmeta|so|dylib|dll|a|lib|exe|wasm)$/, "");
  const names = [`${stem}.d`, ...stem.startsWith("lib") ? [`${stem.slice(3)}.d`] : []];
  return names.map((n) => path8.join(dir, n));
}
function parseDepInfo(text, root) {
  const first = text.split(/\r?\n/).find((l) => /[^\\]: /.test(l) || /[^\\]:$/.test(l));
  if (!first) return [];
  const colon = first.search(/[^\\]: |[^\\]:$/) + 1;
  const names = first.slice(colon + 1).trim().split(/(?<!\\) +/).filter(Boolean).map((n) => n.replace(/\\ /g, " "));
  return names.map((n) => path8.resolve(root, n));
}
function closeOverLocalDeps(own, graph) {
  const byName = new Map([...own.keys()].map((key) => [crateOfKey(key), key]));
  const closed = /* @__PURE__ */ new Map();
  const visiting = /* @__PURE__ */ new Set();
  const close = (key) => {
    if (closed.has(key)) return closed.get(key);
    const deps = (graph.get(crateOfKey(key)) ?? []).filter((d) => byName.has(d));
    if (visiting.has(key) || own.get(key) == null) return null;
    visiting.add(key);
    const parts = deps.map((d) => close(byName.get(d)));
    visiting.delete(key);
    const fp = parts.includes(null) ? null : deps.length ? sha256([own.get(key), ...parts].join("\n")) : own.get(key);
    closed.set(key, fp);
    return fp;
  };
  for (const key of own.keys()) closed.set(key, graph.has(crateOfKey(key)) ? close(key) : own.get(key));
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
  for (const entry of staged.stdout.split("\0")) {
    const m = /^\d+ ([0-9a-f]+) \d+\t(.+)$/s.exec(entry);
    if (m) blobs.set(path8.resolve(dir, m[2]), m[1]);
  }
  return {
    blobs,
    dirty: dirtyRun.stdout.split("\0").filter(Boolean).map((f) => path8.resolve(dir, f))
  };
}

// src/ir/index.ts
import { existsSync as existsSync4, readdirSync as readdirSync2 } from "node:fs";
import path10 from "node:path";

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
    const path13 = pathLength === 4294967295 ? null : text.toString("utf8", at, at + pathLength);
    if (path13 !== null) at += pathLength;
    functions.push({ symbol, size, path: path13 });
  }
  return { functions };
}

// src/ir/reader.ts
import { statSync as statSync2 } from "node:fs";
import path9 from "node:path";
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
var threadSource = () => `${[closingBracket, genericGroup, instantiateIr, readObjectWith, fileWork, readFileWork, readerThread].join("\n")}
${readerThread.name}(require('node:worker_threads'), require('node:fs'));
`;
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
            `a library read before, ${path9.basename(library)}, could not be read again (${e.message})`
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
    return {
      error: `rustc did not name the toolchain's libraries for ${triple} (${r.stderr.trim().split("\n")[0] || dir || "no directory"})`
    };
  return {
    files: readdirSync2(dir).filter(isLibrary).sort().map((f) => path10.join(dir, f))
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
        this.#librariesUnread ??= `${path10.basename(file)}: ${e.message}`;
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
      this.#unreadable.set(key, file === null ? e.message : `${path10.basename(file)}: ${e.message}`);
      if (mode & READ.define) this.#librariesUnread ??= `${file === null ? target : path10.basename(file)}: ${e.message}`;
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
  finish(left, own) {
    if (this.#bitcode.size) {
      const names = [...this.#bitcode].sort().map((pkg) => pkg.replace("@", " "));
      info(
        logText(
          `Watchmaker: ${names.join(", ")}: compiled to LLVM bitcode for link-time optimisation (lto), so no machine code of their own; the binaries that link them count it.`
        )
      );
    }
    for (const [pkg, why] of this.#unreadable) {
      warning(
        logText(
          `Watchmaker could not read the compile work of ${pkg.replace("@", " ")} (${why}); that crate is reported as not measured, the others are not affected.`
        )
      );
    }
    if (this.#error) {
      warning(
        `Watchmaker could not read the compile work (${this.#error.message}); the report goes on without it.`
      );
      debug(this.#error.stack ?? String(this.#error));
      return /* @__PURE__ */ new Map();
    }
    return new Map(
      [...this.#tallies].filter(([pkg]) => !left.has(pkg)).map(([pkg, targets]) => [pkg, packageWork(targets, targets.size > 1, own)])
    );
  }
  /**
   * After finish: the work of the targets a package compiled, each apart (for a package some of whose targets were
   * fresh).
   */
  compiledTargets(pkg, own) {
    const targets = this.#error ? void 0 : this.#tallies.get(pkg);
    return targets ? packageWork(targets, true, own) : null;
  }
};

// src/timings/index.ts
function outputPaths(run2, label) {
  const { recordPath: own, scratchDir } = run2.config.build;
  const profile = run2.config.profile;
  if (!label) {
    const timingsCopy = sideFilePath(
      path11.join(path11.dirname(own), `cargo-timing-${profile}.html`),
      scratchDir,
      isCargoTimings
    );
    return { recordPath: own, timingsCopy, scratch: path11.join(scratchDir, "build") };
  }
  return {
    recordPath: path11.join(scratchDir, `rebuild-${label}.json`),
    timingsCopy: path11.join(scratchDir, `cargo-timing-${profile}-rebuild-${label}.html`),
    scratch: path11.join(scratchDir, `rebuild-${label}`)
  };
}
function cargoCommand(run2) {
  const { build, profile } = run2.config;
  return { program: build.command[0], args: buildArgs(build, timedBuildFlags(build.command, profile)) };
}
async function runTimedBuild(run2, options) {
  const { recordPath, timingsCopy, scratch } = outputPaths(run2, options.label);
  const cwd = options.checkout?.dir ?? run2.config.workingDirectory;
  const workspace = options.checkout?.workspace ?? run2.workspace;
  const env = options.env ?? run2.env;
  for (const dir of [path11.dirname(recordPath), run2.config.build.scratchDir]) mkdirSync2(dir, { recursive: true });
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
  const sample = options.label !== void 0;
  const built = { cwd, env, workspace, program, args, ...cargo, messages, timings, wrapperUnits, sample };
  const record = await recordOf(run2, built, work, options.log ?? logLine);
  writeFileSync3(recordPath, `${JSON.stringify(record, null, 2)}
`);
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
  const scratch = path11.join(run2.config.build.scratchDir, "calibration");
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
  const own = crateFingerprints(messages, await gitFiles(root, env), depInfoReader(root));
  const graph = closed ? await localDependencies(cwd, env) : null;
  return { fingerprints: graph ? closeOverLocalDeps(own, graph) : own, inputsTransitive: graph !== null };
}
function depInfoReader(root) {
  return (filename) => {
    for (const candidate of depInfoCandidates(filename)) {
      if (!existsSync5(candidate)) continue;
      return parseDepInfo(readFileSync4(candidate, "utf8"), root);
    }
    return null;
  };
}
function wrapperContext(run2, cwd, env, workspace, log) {
  return {
    cwd,
    env,
    targetDir: workspace.targetDirectory,
    ownTempDir: path11.dirname(run2.config.build.scratchDir),
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
async function measuredWork(collector, run2, build, log) {
  const { units, partlyFresh } = build;
  const artifacts = build.messages.artifacts;
  await collector.read(
    filesToRead(artifacts, (p) => run2.config.build.compileWork === "all" || build.yours.has(p.name)),
    // What a linked file may hold besides its own code: the build's libraries and the toolchain's.
    async () => {
      const toolchain = await toolchainLibraries(rustcCommand(run2.env), run2.target.triple, {
        cwd: run2.config.workingDirectory,
        env: run2.env
      });
      return "error" in toolchain ? toolchain : { files: [...librariesOf(artifacts), ...toolchain.files] };
    }
  );
  const own = ownCrateNames(artifacts, build.yours);
  const work = collector.finish(
    /* @__PURE__ */ new Set([...units.filter((u) => u.exit !== 0).map((u) => crateKey(u.package, u.version)), ...partlyFresh]),
    own
  );
  const partial = /* @__PURE__ */ new Map();
  for (const key of partlyFresh) {
    const targets = collector.compiledTargets(key, own);
    if (targets) partial.set(key, targets);
  }
  if (partlyFresh.size) {
    const names = [...partlyFresh].sort().map((key) => key.replace("@", " "));
    log(
      logText(
        `Watchmaker: ${names.join(", ")}: some targets fresh from the cache, so compile work is compared target by target.`
      )
    );
  }
  log(workCostLine(work, collector, build.wallSeconds));
  return { work, partial, unreadable: new Set(collector.unreadable.keys()), lto: collector.bitcode };
}
function workCostLine(work, collector, buildSeconds) {
  const bytes = [...work.values()].reduce((a, w) => a + w.bytes, 0);
  const { files, libraries, bytes: read } = collector.filesRead;
  const linked = libraries ? ` and ${plural(libraries, "library", "libraries")} they link` : "";
  const share = buildSeconds > 0 ? ` (${(collector.seconds / buildSeconds * 100).toFixed(1)}% of it)` : "";
  const during = collector.secondsDuringBuild > 0 ? `, and ${collector.secondsDuringBuild.toFixed(2)} s while cargo built` : "";
  return `Watchmaker: compile work of ${plural(work.size, "crate", "crates")}: ${bytes.toLocaleString("en-US")} bytes of machine code, read from ${plural(files, "file", "files")}${linked} (${(read / 1e6).toFixed(1)} MB) in ${collector.seconds.toFixed(2)} s after the build${share}${during}`;
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
  const cargoHtml = path11.join(targetDir, "cargo-timings", "cargo-timing.html");
  if (!existsSync5(cargoHtml) || statSync3(cargoHtml).mtimeMs < startedAtMs - 1e3) return null;
  copyFileSync2(cargoHtml, copy);
  const report = parseTimingsHtml(readFileSync4(copy, "utf8"));
  for (const w of report.warnings) log(logText(`Watchmaker: timings report: ${w}`));
  return { file: copy, report };
}
function readWrapperUnits(unitsFile) {
  if (!existsSync5(unitsFile)) return [];
  const parsed = parseWrapperUnits(readFileSync4(unitsFile, "utf8"));
  for (const bad of parsed.unreadable)
    warning(
      logText(
        `Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${bad.slice(0, 200)}`
      )
    );
  return parsed.units;
}
async function gitHead(cwd, env) {
  const r = await capture("git", ["rev-parse", "HEAD"], { cwd, env }).catch(() => null);
  return r?.code === 0 ? r.stdout.trim() : null;
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
var WRAPPER_PATH = path12.join(path12.dirname(fileURLToPath(import.meta.url)), "rustc-wrapper.rs");
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
  const run2 = await prepareRun({ config: readConfig(env, { warnings: true }), context: loadRunContext(env), env });
  clock.mark("setup");
  const { config, context, rustc } = run2;
  info(
    `Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${config.profile}', ${context.eventName ? `event '${context.eventName}'` : "local run"}`
  );
  const guard = await guardPhase(run2);
  clock.mark("guard");
  if (!guard) return;
  const targeted = withTarget(run2, { triple: guard.targetTriple, flagsHash: guard.hash });
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
  const build = await runTimedBuild(targeted, { wrapperPath: WRAPPER_PATH });
  clock.add("build", build.record.totals.wallSeconds);
  clock.mark("measure");
  state.build = handOff(build, cache);
  if (build.interruptedBy) {
    state.interrupted = true;
    setFailed(
      `The build was stopped by ${build.interruptedBy} (the job was cancelled or timed out). Nothing is cached from this run.`
    );
    return;
  }
  setOutputs({
    record: build.recordPath,
    report: build.recordPath,
    timingsHtml: build.timingsHtml ?? "",
    buildSeconds: build.record.totals.wallSeconds.toFixed(2),
    parallelism: parallelismOutput(build.record.parallelism)
  });
  const outcome = await reportOrWarn(targeted, guard, cache, build, clock);
  clock.mark("report");
  keepPhases(build, clock);
  judge(config, build, outcome);
}
function keepPhases(build, clock) {
  info(
    `Watchmaker: time by phase in the main step: ${phasesText(clock.seconds)}; the action's own ${ownSeconds(clock.seconds).toFixed(2)} s.`
  );
  build.record.phases = { ...clock.seconds };
  writeFileSync4(build.recordPath, `${JSON.stringify(build.record, null, 2)}
`);
}
async function reportOrWarn(run2, guard, cache, build, clock) {
  const { config } = run2;
  const outcome = await produceReport({
    config,
    context: run2.context,
    env: run2.env,
    record: build.record,
    recordPath: build.recordPath,
    targetDir: cache?.targetDir ?? run2.workspace.targetDirectory,
    buildSample: async (side, label, env) => (await runTimedBuild(run2, { wrapperPath: WRAPPER_PATH, label, checkout: side, env })).record,
    calibrate: () => calibrateHere(run2, WRAPPER_PATH),
    phases: clock,
    backend: config.report.baseline === "rebuild" ? null : run2.backend,
    flagsHash: run2.target.flagsHash,
    guard: summarizeGuard(guard),
    cache: summarizeCache(cache)
  }).catch((e) => {
    if (e instanceof RebuildCancelled) throw e;
    warning(`Watchmaker could not produce the build-time report: ${e.message}`);
    debug(e.stack ?? String(e));
    return null;
  });
  setOutputs({
    verdict: outcome?.verdict ?? (build.exitCode === 0 ? "no-baseline" : "build-failed"),
    verdictReason: outcome?.reason ?? "",
    reportMarkdown: outcome?.markdownPath,
    baselineSeconds: outcome ? outcome.baselineSeconds === null ? "" : outcome.baselineSeconds.toFixed(2) : void 0,
    changePercent: outcome ? outcome.changePercent === null ? "" : outcome.changePercent.toFixed(2) : void 0,
    workChangePercent: outcome ? outcome.workChange === null ? "" : (outcome.workChange * 100).toFixed(2) : void 0
  });
  return outcome;
}
function judge(config, build, outcome) {
  if (build.exitCode !== 0) {
    setFailed(
      `'${[config.build.command[0], ...buildArgs(config.build, [])].join(" ")}' failed with exit code ${build.exitCode}. The run record (${build.recordPath}) and the report still show what was measured.`
    );
  } else if (outcome?.verdict === "regression" && config.report.failOnRegression) {
    setFailed(
      `Build time regressed by ${outcome.changePercent?.toFixed(1)}% (${outcome.metric}) against the base branch, and fail-on-regression is true.`
    );
  } else if (config.report.failOnWorkGrowth !== null && outcome?.workChange != null && outcome.workChange > config.report.failOnWorkGrowth) {
    setFailed(
      `Compile work (bytes of machine code) grew by ${(outcome.workChange * 100).toFixed(2)}% against the baseline, over fail-on-work-growth (${(config.report.failOnWorkGrowth * 100).toFixed(2)}%). The report names the functions that grew.`
    );
  }
}
async function guardPhase(run2) {
  const guard = await runGuard(run2);
  if (!guard.failed) return guard;
  const errors = guard.annotated.errors;
  setFailed(
    `Watchmaker guard: ${errors} non-portable flag setting${errors === 1 ? "" : "s"} would make this CI build depend on the runner's CPU (see the annotations above). Set 'guard: warn' to only warn.`
  );
  return void 0;
}
async function cachePhase(run2) {
  if (!run2.config.cache.enabled) {
    setOutputs({ cacheHit: "disabled" });
    return null;
  }
  try {
    const state = await restoreCache(run2);
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
function handOff(build, cache) {
  const artifactsFile = path12.join(build.scratchDir, "artifacts.json");
  mkdirSync3(path12.dirname(artifactsFile), { recursive: true });
  writeFileSync4(artifactsFile, JSON.stringify(build.artifacts));
  const rebuiltDependencies = staleDependencies(cache?.hit, build.record);
  if (rebuiltDependencies > 0) {
    warning(
      `The exact cache key was restored, yet ${rebuiltDependencies} dependenc${rebuiltDependencies === 1 ? "y was" : "ies were"} compiled again: the cached entry is stale. The post step replaces it.`
    );
  }
  const rebuiltMembers = build.record.crates.filter((c) => c.workspaceMember).length;
  return {
    recordPath: build.recordPath,
    success: build.exitCode === 0,
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

// src/main.ts
if (isEntryPoint(import.meta.url)) await endWhenDone(run());
export {
  run
};

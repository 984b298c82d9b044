import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  CargoConfigError,
  HISTORY_LENGTH,
  InputError,
  RECORD_SCHEMA,
  RECORD_SCHEMA_VERSION,
  addFunctions,
  capture,
  captureOk,
  carryWork,
  childEnv,
  compareWork,
  configValue,
  crateKey,
  crateOfKey,
  createBackend,
  debug,
  discardIrWasm,
  emptyPostState,
  emptyTally,
  endGroup,
  endWhenDone,
  error,
  evaluate,
  findKeyLine,
  formatChange,
  getPath,
  hashesInPath,
  info,
  irWasm,
  layoutOfArtifacts,
  loadCachedBaseline,
  loadCargoConfig,
  loadRunContext,
  logText,
  measureBaseByRebuild,
  notFound,
  packageWork,
  publishReport,
  readConfig,
  relativeToWorkspace,
  restoreCache,
  setFailed,
  setOutput,
  settles,
  sha256,
  staleDependencies,
  startGroup,
  stopCommands,
  warning,
  workspaceInfo,
  writePostState
} from "./chunks/chunk-4PLARXXI.js";

// src/steps/main.ts
import { mkdirSync as mkdirSync3, writeFileSync as writeFileSync4 } from "node:fs";
import path10 from "node:path";
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
  return { release, host, commitHash: field("commit-hash"), commitDate: field("commit-date"), llvm: field("LLVM version"), raw: text.trim() };
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
  return { tier, source: tier, flags: flags.map((flag) => ({ flag, origin: { kind: "env", name: tier } })), usedCfgKeys: false };
}
function targetTier(env, files, triple, cfg) {
  const sources = [];
  const flags = configWithEnv(files, ["target", triple, "rustflags"], `target.${triple}.rustflags`, envList(env, targetEnvName(triple)));
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
  const buildTier = configWithEnv(files, ["build", "rustflags"], "build.rustflags", envList(env, "CARGO_BUILD_RUSTFLAGS"));
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
        for (const line of text.split(/\r?\n/)) if (line !== "") tokens.push({ flag: line, origin: { ...f.origin, name: `${f.origin.name} (argfile ${f.flag.slice(1)})` } });
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
function rustflagsHash(flags, targetTriple) {
  return createHash("sha256").update(JSON.stringify({ targetTriple, flags })).digest("hex");
}

// src/guard/index.ts
async function runGuard(run2) {
  const { config } = run2;
  const { targetTriple, effective } = await resolveFlags(run2);
  const hash = rustflagsHash(
    effective.flags.map((f) => f.flag),
    targetTriple
  );
  const findings = config.guard.mode === "off" ? [] : findNonPortableFlags(effective.flags, argfileReader(config.workingDirectory));
  const enforcing = config.guard.mode === "error" && config.inCI;
  const failed = enforcing && findings.some((f) => f.severity === "error");
  logFlags(run2, targetTriple, effective, hash, findings.length);
  const annotated = annotate(findings, enforcing, run2.env);
  return { mode: config.guard.mode, targetTriple, effective, findings, hash, failed, annotated };
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
  const again = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor(effective.flags.map((f) => f.flag)) });
  const same = again.flags.map((f) => f.flag).join("") === effective.flags.map((f) => f.flag).join("");
  return { targetTriple, effective: same ? effective : again };
}
function argfileReader(cwd) {
  return (file) => {
    try {
      return readFileSync(path2.resolve(cwd, file), "utf8");
    } catch {
      warning(logText(`RUSTFLAGS names the argfile @${file}, which cannot be read from ${cwd}; its flags were not checked.`));
      return null;
    }
  };
}
function logFlags(run2, targetTriple, effective, hash, findings) {
  const mode = run2.config.guard.mode;
  startGroup("Watchmaker: effective RUSTFLAGS");
  info(logText(`target: ${targetTriple}`));
  info(logText(`source: ${effective.source}`));
  info(logText(`flags: ${effective.flags.length ? effective.flags.map((f) => f.flag).join(" ") : "(none)"}`));
  info(logText(`config: ${run2.cargoConfig.length ? run2.cargoConfig.map((f) => f.path).join(", ") : "(none)"}`));
  info(`hash: ${hash.slice(0, 16)}`);
  info(`guard: ${mode}${mode === "off" ? "" : `, ${findings} finding(s)`}`);
  endGroup();
}
function annotate(findings, enforcing, env) {
  const annotated = { errors: 0, warnings: 0 };
  for (const finding of findings) {
    const properties = { title: finding.severity === "error" ? "Non-portable RUSTFLAGS" : "Watchmaker: CPU-specific flag" };
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
  report: "report",
  reportMarkdown: "report-markdown",
  timingsHtml: "timings-html",
  buildSeconds: "build-seconds",
  baselineSeconds: "baseline-seconds",
  changePercent: "change-percent",
  verdict: "verdict",
  verdictReason: "verdict-reason",
  workChangePercent: "work-change-percent"
};
function setOutputs(outputs) {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== void 0) setOutput(OUTPUT_NAMES[name], value);
  }
}

// src/report/run.ts
import { writeFileSync } from "node:fs";
import path3 from "node:path";
function historyEntry(r) {
  return {
    commit: r.git.commit,
    createdAt: r.createdAt,
    cpuModel: r.runner.cpuModel,
    calibrationCpuSeconds: r.calibration?.cpuSeconds ?? null,
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
    settled: ({ head, base }) => {
      const n = Math.min(head.length, base.length);
      if (n !== first && !LOOKS.has(n)) return false;
      const { comparison, decision } = evaluate(head, base, input.config.report.threshold, []);
      return !comparison || !decision || settles(comparison, decision);
    }
  };
}
async function rebuildBaseline(input, samples, deadlineMs, growth = {}) {
  const baseSha = input.context.pullRequest?.baseSha;
  if (!baseSha)
    return { head: [input.record], base: null, label: null, note: "No comparison: rebuilding the base needs a pull_request event (to know the base commit).", seconds: 0 };
  const started = Date.now();
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
      ...growth
    });
    const n = Math.min(measured.base.length, measured.head.length);
    return {
      head: measured.head,
      base: measured.base,
      label: `base commit ${baseSha.slice(0, 7)}, rebuilt here ${n}\xD7 alternating with this commit`,
      note: null,
      seconds: (Date.now() - started) / 1e3
    };
  } catch (e) {
    const reason = e.message;
    warning(`Watchmaker could not rebuild the base commit: ${reason}`);
    return { head: [input.record], base: null, label: null, note: `No comparison: the base commit could not be rebuilt here (${reason}).`, seconds: (Date.now() - started) / 1e3 };
  }
}
function budgetSeconds(config, record) {
  const b = config.report.confirmBudget;
  return b.kind === "seconds" ? b.value : Math.max(120, b.value * record.totals.wallSeconds);
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
  if (!input.context.pullRequest?.baseSha) return { ...cached, decision: unconfirmed(cached.decision, "this is not a pull request, so there is no base commit to rebuild") };
  if (estimate > budget) {
    return {
      ...cached,
      decision: unconfirmed(cached.decision, `confirming would take about ${estimate.toFixed(0)} s, over the budget of ${budget.toFixed(0)} s (confirm-budget)`),
      path: `${cached.label}; ${suggested}, not confirmed (over budget)`
    };
  }
  info(
    `Watchmaker: ${suggested}; confirming by rebuilding the base commit here (${samples} samples per side, up to ${CONFIRM_MAX_SAMPLES} while they leave the question open; budget ${budget.toFixed(0)} s).`
  );
  const rebuilt = await rebuildBaseline(input, samples, Date.now() + budget * 1e3, growUntilSettled(input, samples));
  if (!rebuilt.base?.length)
    return { ...cached, decision: unconfirmed(cached.decision, rebuilt.note ?? "the rebuild failed"), path: `${cached.label}; ${suggested}, not confirmed` };
  const evaluated = evaluate(rebuilt.head, rebuilt.base, input.config.report.threshold, []);
  const path11 = `${cached.label}; ${suggested}, so the base commit was rebuilt here to confirm: ${rebuilt.label}, ${rebuilt.seconds.toFixed(0)} s`;
  return { ...evaluated, decision: agreeing(cached.decision, evaluated.decision), ...rebuilt, path: path11 };
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
  carryForward(input, loaded.base);
  const evaluated = evaluate([input.record], loaded.base, input.config.report.threshold, historyOf(loaded.base));
  return { ...evaluated, ...loaded, head: [input.record], path: loaded.label };
}
function carryForward(input, base) {
  const keepsHistory = !input.context.onGitHub || input.context.onDefaultBranch;
  if (keepsHistory) input.record.history = historyOf(base);
  const carried = base?.[0] ? carryWork(input.record, base[0]) : 0;
  if (carried > 0) info(`Watchmaker: compile work of ${carried} fresh crate${carried === 1 ? "" : "s"} carried from the baseline's record (same inputs, same IR).`);
  if (keepsHistory || carried > 0) writeFileSync(input.recordPath, `${JSON.stringify(input.record, null, 2)}
`);
}
async function evaluation(input) {
  const mode = input.config.report.baseline;
  if (!input.record.success) return { comparison: null, decision: null, base: null, label: null, note: null, head: [input.record], path: null };
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
async function reportPhase(input) {
  const e = await evaluation(input);
  const work = e.base?.length ? compareWork(e.head, e.base) : null;
  const outcome = await publishReport(input, {
    record: input.record,
    comparison: e.comparison,
    decision: e.decision,
    baselineLabel: e.label,
    baselineNote: e.note,
    path: e.path,
    work
  });
  const markdownPath = path3.join(path3.dirname(input.recordPath), `report-${input.config.profile.replace(/[^A-Za-z0-9_-]/g, "_")}.md`);
  writeFileSync(markdownPath, outcome.markdown);
  return { ...outcome, markdownPath };
}

// src/timings/index.ts
import { copyFileSync, existsSync as existsSync2, mkdirSync as mkdirSync2, readFileSync as readFileSync3, rmSync as rmSync4, statSync, writeFileSync as writeFileSync3 } from "node:fs";
import path9 from "node:path";

// src/timings/cargo.ts
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

// src/timings/messages.ts
import path4 from "node:path";
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
function parseCargoMessage(line, into) {
  const trimmed = line.trim();
  if (!trimmed) return;
  let msg;
  try {
    const parsed = JSON.parse(trimmed);
    if (!parsed || typeof parsed !== "object" || typeof parsed.reason !== "string") {
      into.otherLines.push(line);
      return;
    }
    msg = parsed;
  } catch {
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
        manifestDir: typeof msg.manifest_path === "string" ? path4.dirname(msg.manifest_path) : null
      });
      break;
    }
    case "build-script-executed":
      into.buildScripts.push({ packageId, package: parsePackageId(packageId), outDir: typeof msg.out_dir === "string" ? msg.out_dir : null });
      break;
    case "build-finished":
      into.finished = msg.success === true;
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
    const child = spawn(program, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let interruptedBy = null;
    const forward = (signal) => {
      interruptedBy = signal;
      log(`Watchmaker: received ${signal}; stopping the build (cargo and everything it started).`);
      if (child.pid) killGroup(child.pid, signal);
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
    const stderrDone = new Promise((r) => createInterface({ input: child.stderr }).on("line", log).on("close", r));
    child.on("close", (code, signal) => {
      unhook();
      void Promise.all([stdoutDone, stderrDone]).then(() => resolve({ exitCode: code ?? (signal ? 128 : 1), interruptedBy }));
    });
  });
}
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
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
      if (Array.isArray(section) && section[0] === "frontend" && section[1] && typeof section[1] === "object") rmetaTime = num(section[1].end);
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
    else if (label === "total time") summary.totalSeconds = Number.parseFloat(value) || (value.startsWith("0") ? 0 : null);
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
    for (const id of u.unblocked) (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)).push({ from: u, at: u.start + u.duration });
    for (const id of u.unblockedRmeta) (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)).push({ from: u, at: u.start + (u.rmetaTime ?? u.duration) });
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
  const path11 = input.timings ? criticalPath(input.timings.units) : null;
  const label = (t) => `${t.name}${t.version ? ` ${t.version}` : ""} (${t.kind})`;
  const totals = totalsOf(input, units);
  return {
    schema: RECORD_SCHEMA,
    version: RECORD_SCHEMA_VERSION,
    createdAt: (input.now ?? /* @__PURE__ */ new Date()).toISOString(),
    git: { commit: input.commit, ref: input.context.ref, baseRef: input.context.pullRequest?.baseRef ?? null, eventName: input.context.eventName },
    repository: input.context.repository,
    runUrl: input.context.runUrl,
    job: input.context.job,
    profile: input.profile,
    flagsHash: input.flagsHash,
    targetTriple: input.targetTriple,
    toolchain: { release: input.rustc.release, commitHash: input.rustc.commitHash, host: input.rustc.host, cargo: input.cargoVersion },
    runner: runnerInfo(),
    command: input.command,
    success: input.exitCode === 0 && input.messages.finished !== false,
    exitCode: input.exitCode,
    totals,
    criticalPath: path11 ? { seconds: path11.seconds, units: path11.units.map(label) } : null,
    units,
    crates,
    workspaceMembers: [...input.workspaceMembers].sort(),
    freshCrates: freshCratesOf(input, crates),
    timingsHtml: input.timingsHtml,
    calibration: input.calibration ?? null,
    measurement: {
      wrapper: input.wrapperUnits !== null,
      perf: input.perf && totals.instructions !== null,
      timingsHtmlParsed: input.timings !== null && input.timings.units.length > 0,
      buildDirLayout: layoutOfArtifacts(artifactsOf(input.messages)),
      compileWork: input.compileWork != null ? "llvm-bc" : false,
      ...input.compileWork != null && input.compileWorkScope === "all" ? { compileWorkScope: "all" } : {}
    }
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
    for (const o of others) overlap += Math.max(0, Math.min(e, o.startSeconds + o.wallSeconds) - Math.max(s, o.startSeconds));
  }
  return round(overlap / wall, 2);
}
var compileUnits = (units) => units.filter((u) => u.kind !== "build-script-run");
function runnerInfo() {
  return { os: `${os.platform()} ${os.release()}`, arch: os.arch(), cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model?.trim() ?? null, memoryBytes: os.totalmem() };
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
  if (input.partlyFresh?.has(key)) return { work: null, workMissing: "partly-fresh", partialWork: input.partialWork?.get(key) ?? null };
  if (input.wrapperUnits?.some((u) => u.package === c.crate && u.version === c.version && u.exit !== 0)) return { work: null, workMissing: "failed" };
  return { work: null };
}
function freshCratesOf(input, crates) {
  const compiled = new Set(crates.map((c) => crateKey(c.crate, c.version)));
  const fresh = [];
  for (const [key, inputFingerprint] of input.fingerprints ?? []) {
    const crate = crateOfKey(key);
    const version = key.slice(crate.length + 1) || null;
    const member = input.workspaceMembers.has(crate);
    if ((member || input.compileWorkScope === "all") && !compiled.has(key)) fresh.push({ crate, version, workspaceMember: member, inputFingerprint, work: null });
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
    if (!t.ran || input.wrapperUnits && t.kind !== "build-script-run") continue;
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

// src/timings/wrapper.ts
import { mkdirSync, rmSync } from "node:fs";
import path5 from "node:path";
async function perfWorks(env) {
  try {
    const r = await capture("perf", ["stat", "-x,", "-e", "instructions:u", "--", "true"], { env });
    return r.code === 0 && /^\d+,/m.test(r.stderr);
  } catch {
    return false;
  }
}
function userWrapper(env, cargoConfig) {
  if (env.RUSTC_WRAPPER !== void 0) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== void 0) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  const v = configValue(cargoConfig, ["build", "rustc-wrapper"]);
  if (v === void 0 || v.value === "") return null;
  if (typeof v.value !== "string") {
    warning(logText(`build.rustc-wrapper in ${v.file} is not a string, so it is not chained in the timed build; cargo rejects it too.`));
    return null;
  }
  return v.value.includes("/") ? path5.resolve(path5.dirname(path5.dirname(v.file)), v.value) : v.value;
}
function wrapperFiles(recordPath) {
  return { unitsFile: `${recordPath}.units.jsonl`, measureDir: `${recordPath}.measure` };
}
async function installWrapper(wrapperPath, files, buildEnv, cargoConfig) {
  rmSync(files.unitsFile, { force: true });
  rmSync(files.measureDir, { recursive: true, force: true });
  mkdirSync(files.measureDir, { recursive: true });
  const perf = await perfWorks(buildEnv);
  Object.assign(buildEnv, {
    RUSTC_WRAPPER: wrapperPath,
    WATCHMAKER_UNITS_FILE: files.unitsFile,
    WATCHMAKER_MEASURE_DIR: files.measureDir,
    WATCHMAKER_INNER_WRAPPER: userWrapper(buildEnv, cargoConfig) ?? "",
    WATCHMAKER_PERF: perf ? "1" : "0"
  });
  delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
  return perf;
}

// src/timings/calibration.ts
import { mkdtempSync, rmSync as rmSync2, writeFileSync as writeFileSync2 } from "node:fs";
import os2 from "node:os";
import path6 from "node:path";
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
async function timedCompile(rustc, dir, env) {
  const script = 'TIMEFORMAT="%3U %3S"; { time "$0" "$@" >/dev/null 2>&1; } 2>&1';
  const args = [
    rustc,
    "--edition",
    "2021",
    "--crate-type",
    "lib",
    "-C",
    "opt-level=1",
    "-C",
    "codegen-units=1",
    "--emit",
    "obj",
    "-o",
    path6.join(dir, "calib.o"),
    path6.join(dir, "calib.rs")
  ];
  const r = await capture("bash", ["-c", script, ...args], { cwd: dir, env }).catch(() => null);
  const m = r && r.code === 0 ? /^(\d+\.\d+) (\d+\.\d+)\s*$/m.exec(r.stdout) : null;
  return m ? Number(m[1]) + Number(m[2]) : null;
}
async function calibrate(rustc, env) {
  const dir = mkdtempSync(path6.join(os2.tmpdir(), "watchmaker-calibration-"));
  try {
    writeFileSync2(path6.join(dir, "calib.rs"), SOURCE);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await timedCompile(rustc, dir, env);
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
import path7 from "node:path";
function crateFingerprints(messages, git) {
  const units = /* @__PURE__ */ new Map();
  const add = (name, version, source, files, manifestDir) => {
    const key = crateKey(name, version);
    const entry = units.get(key) ?? { hashes: /* @__PURE__ */ new Set(), dir: manifestDir, path: source === "path" };
    for (const f of files) hashesInPath(f).forEach((h) => entry.hashes.add(h));
    units.set(key, entry);
  };
  for (const a of messages.artifacts) add(a.package.name, a.package.version, a.package.source, a.filenames, a.manifestDir);
  for (const b of messages.buildScripts) add(b.package.name, b.package.version, b.package.source, b.outDir ? [b.outDir] : [], null);
  const out = /* @__PURE__ */ new Map();
  for (const [key, u] of units) out.set(key, fingerprintOf(u, git));
  return out;
}
function fingerprintOf(unit, git) {
  const parts = [...unit.hashes].sort();
  if (unit.path) {
    const dir = unit.dir;
    if (!git || !dir) return null;
    const inside = (f) => f.startsWith(`${dir}${path7.sep}`);
    if (git.dirty.some(inside)) return null;
    const files = [...git.blobs].filter(([f]) => inside(f)).sort(([a], [b]) => a.localeCompare(b));
    if (files.length === 0) return null;
    parts.push(...files.map(([f, blob]) => `${path7.relative(dir, f)} ${blob}`));
  }
  return parts.length ? sha256(parts.join("\n")) : null;
}
async function gitFiles(dir, env) {
  const staged = await capture("git", ["ls-files", "-s", "-z"], { cwd: dir, env }).catch(() => null);
  if (!staged || staged.code !== 0) return null;
  const dirtyRun = await capture("git", ["ls-files", "-z", "-m", "-o", "--exclude-standard"], { cwd: dir, env }).catch(() => null);
  if (!dirtyRun || dirtyRun.code !== 0) return null;
  const blobs = /* @__PURE__ */ new Map();
  for (const entry of staged.stdout.split("\0")) {
    const m = /^\d+ ([0-9a-f]+) \d+\t(.+)$/s.exec(entry);
    if (m) blobs.set(path7.resolve(dir, m[2]), m[1]);
  }
  return {
    blobs,
    dirty: dirtyRun.stdout.split("\0").filter(Boolean).map((f) => path7.resolve(dir, f))
  };
}

// src/ir/index.ts
import { existsSync, readdirSync, readFileSync as readFileSync2, rmSync as rmSync3 } from "node:fs";
import path8 from "node:path";

// src/ir/bitcode.ts
var BitcodeError = class extends Error {
};
var ERRORS = {
  1: () => "truncated bitcode",
  2: (encoding) => `unknown abbreviation encoding ${encoding}`,
  3: () => "an abbreviation without a record code",
  4: () => "an array or a blob cannot be an array element or a record code",
  5: () => "an array abbreviation without its element",
  6: () => "an abbreviation in BLOCKINFO before SETBID",
  7: (id) => `unexpected abbreviation id ${id} in BLOCKINFO`,
  8: (block) => `a block without its end (block ${block})`,
  9: (id) => `undefined abbreviation ${id}`,
  10: (id) => `unexpected abbreviation id ${id} at the top level`,
  11: (version) => `module version ${version} is older than this reader (LLVM 5 and later write version 2)`,
  12: () => "no string table",
  13: (defined) => `${defined} function definitions but a different number of bodies`,
  14: (width) => `abbreviation width ${width} is out of range`
};
function bitstreamOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 20 && view.getUint32(0, true) === 186106078) {
    const [offset, size] = [view.getUint32(8, true), view.getUint32(12, true)];
    return bitstreamOf(bytes.subarray(offset, offset + size));
  }
  if (bytes.length < 4 || bytes[0] !== 66 || bytes[1] !== 67 || bytes[2] !== 192 || bytes[3] !== 222) throw new BitcodeError("not LLVM bitcode");
  return bytes.subarray(4);
}
var MAX_BYTES = 1 << 30;
function functionsInBitcode(bytes) {
  const stream = bitstreamOf(bytes);
  if (stream.length > MAX_BYTES) throw new BitcodeError(`bitcode of ${stream.length} bytes is larger than this reader takes (${MAX_BYTES})`);
  try {
    return read(stream);
  } catch (e) {
    if (e instanceof BitcodeError) throw e;
    discardIrWasm();
    throw new BitcodeError(`the bitcode reader failed (${e.message})`);
  }
}
function read(stream) {
  const wasm = irWasm();
  const input = wasm.bitcode_input(stream.length);
  new Uint8Array(wasm.memory.buffer, input, stream.length).set(stream);
  const count = wasm.read_bitcode(stream.length);
  if (count < 0) throw new BitcodeError(ERRORS[-count]?.(wasm.error_detail()) ?? `unreadable bitcode (error ${-count})`);
  const numbers = new Uint32Array(wasm.memory.buffer, wasm.functions_ptr(), count * 3);
  const strtab = Buffer.from(stream.buffer, stream.byteOffset + wasm.strtab_start(), wasm.strtab_len());
  const functions = [];
  for (let i = 0; i < count * 3; i += 3) {
    const [offset, size] = [numbers[i], numbers[i + 1]];
    if (offset + size > strtab.length) throw new BitcodeError("a function name outside the string table");
    functions.push({ symbol: strtab.toString("latin1", offset, offset + size), instructions: numbers[i + 2] });
  }
  return functions;
}

// src/ir/index.ts
var irDirFor = (recordPath) => `${recordPath}.ir`;
var PARTIAL = ".partial";
var subdirs = (dir) => existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
function targetOf(unitDir) {
  const m = /^(lib|bin)\.(.+?)(-[0-9a-f]{16})?$/.exec(unitDir);
  return m ? `${m[1]} ${m[2]}` : unitDir;
}
var WorkCollector = class {
  constructor(dir) {
    this.dir = dir;
  }
  dir;
  /** Per package (`name@version`), per target. */
  #tallies = /* @__PURE__ */ new Map();
  #error = null;
  #busyNs = 0n;
  /** Summarises and deletes every unit the wrapper has finished so far. */
  drain() {
    if (this.#error) return;
    const started = process.hrtime.bigint();
    try {
      for (const pkg of subdirs(this.dir)) {
        for (const unit of subdirs(path8.join(this.dir, pkg.name))) {
          if (unit.name.endsWith(PARTIAL)) continue;
          const unitDir = path8.join(this.dir, pkg.name, unit.name);
          const [targets, target] = [this.#tallies.get(pkg.name) ?? /* @__PURE__ */ new Map(), targetOf(unit.name)];
          const tally = targets.get(target) ?? emptyTally();
          for (const file of readdirSync(unitDir)) if (file.endsWith(".bc")) addFunctions(tally, functionsInBitcode(readFileSync2(path8.join(unitDir, file))));
          targets.set(target, tally);
          this.#tallies.set(pkg.name, targets);
          rmSync3(unitDir, { recursive: true, force: true });
        }
      }
    } catch (e) {
      this.#error = e;
    } finally {
      this.#busyNs += process.hrtime.bigint() - started;
    }
  }
  /** Seconds spent reading and summarising IR so far: what the measure costs the job. */
  get busySeconds() {
    return Number(this.#busyNs) / 1e9;
  }
  /**
   * The work per package (`name@version`) after the build, and the IR directory deleted.
   * Packages in `left` (a unit did not compile, or some targets were fresh) are left out: their IR is partial.
   */
  finish(left) {
    this.drain();
    rmSync3(this.dir, { recursive: true, force: true });
    if (this.#error) {
      warning(`Watchmaker could not read the compile-work IR (${this.#error.message}); the report goes on without it.`);
      debug(this.#error.stack ?? String(this.#error));
      return /* @__PURE__ */ new Map();
    }
    return new Map([...this.#tallies].filter(([pkg]) => !left.has(pkg)).map(([pkg, targets]) => [pkg, packageWork(targets)]));
  }
  /** After finish: the work of the targets a package compiled, each apart (for a package some of whose targets were fresh). */
  compiledTargets(pkg) {
    const targets = this.#error ? void 0 : this.#tallies.get(pkg);
    return targets ? packageWork(targets, true) : null;
  }
};

// src/timings/index.ts
function outputPaths(run2, label) {
  const own = run2.config.build.recordPath;
  const recordPath = label ? path9.join(path9.dirname(own), `rebuild-${label}.json`) : own;
  const timingsCopy = path9.join(path9.dirname(own), `cargo-timing-${run2.config.profile}${label ? `-rebuild-${label}` : ""}.html`);
  return { recordPath, timingsCopy };
}
function cargoCommand(run2) {
  const { build, profile } = run2.config;
  const [program, ...commandArgs] = build.command;
  return { program, args: [...commandArgs, "--profile", profile, "--timings", "--message-format=json-render-diagnostics", ...build.cargoArgs] };
}
async function runTimedBuild(run2, options) {
  const { recordPath, timingsCopy } = outputPaths(run2, options.label);
  const cwd = options.checkout?.dir ?? run2.config.workingDirectory;
  const workspace = options.checkout?.workspace ?? run2.workspace;
  const env = options.env ?? run2.env;
  mkdirSync2(path9.dirname(recordPath), { recursive: true });
  const buildEnv = childEnv(env, run2.config.build.passEnv);
  const files = wrapperFiles(recordPath);
  const perf = options.wrapperPath !== null && await installWrapper(options.wrapperPath, files, buildEnv, run2.cargoConfig);
  const work = options.wrapperPath !== null && run2.config.build.compileWork ? new WorkCollector(prepareIrDir(recordPath, buildEnv, run2.config.build.compileWork)) : null;
  const { program, args } = cargoCommand(run2);
  const calibration = options.calibrate ? await calibrate(rustcCommand(env), childEnv(env)) : null;
  const messages = emptyMessages();
  const { exit, startedAtMs, wallSeconds } = await timedCargo(program, args, { cwd, env: buildEnv }, messages, options.log, work);
  rmSync4(files.measureDir, { recursive: true, force: true });
  const timings = copyTimings(workspace.targetDirectory, timingsCopy, startedAtMs, options.log ?? logLine);
  const wrapperUnits = options.wrapperPath === null ? null : readWrapperUnits(files.unitsFile);
  const partlyFresh = partlyFreshCrates(messages, (p) => run2.config.build.compileWork === "all" || workspace.members.has(p.name));
  const compileWork = work ? measuredWork(work, wrapperUnits ?? [], partlyFresh, options.log ?? logLine) : null;
  const record = buildRunRecord({
    profile: run2.config.profile,
    flagsHash: run2.target.flagsHash,
    targetTriple: run2.target.triple,
    rustc: run2.rustc,
    cargoVersion: (await capture("cargo", ["-V"], { cwd, env }).catch(() => null))?.stdout.trim() || null,
    context: run2.context,
    commit: run2.context.sha ?? await gitHead(cwd, env),
    command: [program, ...args],
    exitCode: exit.exitCode,
    wallSeconds,
    startedAtMs,
    wrapperUnits,
    perf,
    messages,
    timings: timings?.report ?? null,
    timingsHtml: timings?.file ?? null,
    workspaceMembers: workspace.members,
    fingerprints: crateFingerprints(messages, await gitFiles(workspace.root, env)),
    calibration,
    compileWork: compileWork?.work ?? null,
    partialWork: compileWork?.partial,
    compileWorkScope: run2.config.build.compileWork || void 0,
    partlyFresh
  });
  writeFileSync3(recordPath, `${JSON.stringify(record, null, 2)}
`);
  return { record, exitCode: exit.exitCode, recordPath, timingsHtml: timings?.file ?? null, artifacts: artifactsOf(messages), interruptedBy: exit.interruptedBy };
}
var DRAIN_INTERVAL_MS = 250;
async function timedCargo(program, args, options, messages, log, work) {
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  const draining = work ? setInterval(() => work.drain(), DRAIN_INTERVAL_MS) : null;
  try {
    const exit = await streamCargo(program, args, options, messages, log);
    return { exit, startedAtMs, wallSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    if (draining) clearInterval(draining);
  }
}
function measuredWork(collector, units, partlyFresh, log) {
  const during = collector.busySeconds;
  const work = collector.finish(/* @__PURE__ */ new Set([...units.filter((u) => u.exit !== 0).map((u) => crateKey(u.package, u.version)), ...partlyFresh]));
  const partial = /* @__PURE__ */ new Map();
  for (const key of partlyFresh) {
    const targets = collector.compiledTargets(key);
    if (targets) partial.set(key, targets);
  }
  if (partlyFresh.size) {
    const names = [...partlyFresh].sort().map((key) => key.replace("@", " "));
    log(logText(`Watchmaker: ${names.join(", ")}: some targets fresh from the cache, so compile work is compared target by target.`));
  }
  const instructions = [...work.values()].reduce((a, w) => a + w.instructions, 0);
  const after = collector.busySeconds - during;
  log(
    `Watchmaker: compile work of ${work.size} crate${work.size === 1 ? "" : "s"}: ${instructions} LLVM IR instructions, summarised in ${(during + after).toFixed(2)} s (${after.toFixed(2)} s of it after the build)`
  );
  return { work, partial };
}
function prepareIrDir(recordPath, buildEnv, scope) {
  const dir = irDirFor(recordPath);
  rmSync4(dir, { recursive: true, force: true });
  mkdirSync2(dir, { recursive: true });
  buildEnv.WATCHMAKER_IR_DIR = dir;
  if (scope === "all") buildEnv.WATCHMAKER_IR_ALL = "1";
  return dir;
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
  if (!existsSync2(cargoHtml) || statSync(cargoHtml).mtimeMs < startedAtMs - 1e3) return null;
  copyFileSync(cargoHtml, copy);
  const report = parseTimingsHtml(readFileSync3(copy, "utf8"));
  for (const w of report.warnings) log(logText(`Watchmaker: timings report: ${w}`));
  return { file: copy, report };
}
function readWrapperUnits(unitsFile) {
  if (!existsSync2(unitsFile)) return [];
  const parsed = parseWrapperUnits(readFileSync3(unitsFile, "utf8"));
  for (const bad of parsed.unreadable) warning(logText(`Watchmaker: a line of the rustc measurements could not be read and is left out of the record: ${bad.slice(0, 200)}`));
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
var WRAPPER_PATH = path10.join(path10.dirname(fileURLToPath(import.meta.url)), "rustc-wrapper.sh");
async function run(env = process.env) {
  const state = emptyPostState();
  try {
    await mainSteps(env, state);
  } catch (e) {
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
  const run2 = await prepareRun({ config: readConfig(env), context: loadRunContext(env), env });
  const { config, context, rustc } = run2;
  info(`Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${config.profile}', ${context.eventName ? `event '${context.eventName}'` : "local run"}`);
  const guard = await guardPhase(run2);
  if (!guard) return;
  const targeted = withTarget(run2, { triple: guard.targetTriple, flagsHash: guard.hash });
  state.flagsHash = guard.hash;
  setOutputs({ rustflagsHash: guard.hash });
  const cache = await cachePhase(targeted);
  if (cache === "failed") return;
  state.cache = cache;
  if (!config.build.enabled) {
    info("Watchmaker: build is false, so no timed build and no report. Later steps reuse the restored cache.");
    return;
  }
  const build = await runTimedBuild(targeted, { wrapperPath: WRAPPER_PATH, calibrate: true });
  state.build = handOff(build, cache);
  if (build.interruptedBy) {
    state.interrupted = true;
    setFailed(`The build was stopped by ${build.interruptedBy} (the job was cancelled or timed out). Nothing is cached from this run.`);
    return;
  }
  setOutputs({ report: build.recordPath, timingsHtml: build.timingsHtml ?? "", buildSeconds: build.record.totals.wallSeconds.toFixed(2) });
  const outcome = await reportOrWarn(targeted, guard, cache, build);
  judge(config, build, outcome);
}
async function reportOrWarn(run2, guard, cache, build) {
  const { config } = run2;
  const outcome = await reportPhase({
    config,
    context: run2.context,
    env: run2.env,
    record: build.record,
    recordPath: build.recordPath,
    targetDir: cache?.targetDir ?? run2.workspace.targetDirectory,
    buildSample: async (side, label, env) => (await runTimedBuild(run2, { wrapperPath: WRAPPER_PATH, label, checkout: side, env })).record,
    backend: config.report.baseline === "rebuild" ? null : run2.backend,
    flagsHash: run2.target.flagsHash,
    guard: summarizeGuard(guard),
    cache: summarizeCache(cache)
  }).catch((e) => {
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
      `'${[...config.build.command, ...config.build.cargoArgs].join(" ")}' failed with exit code ${build.exitCode}. The run record (${build.recordPath}) and the report still show what was measured.`
    );
  } else if (outcome?.verdict === "regression" && config.report.failOnRegression) {
    setFailed(`Build time regressed by ${outcome.changePercent?.toFixed(1)}% (${outcome.metric}) against the base branch, and fail-on-regression is true.`);
  } else if (config.report.failOnWorkGrowth !== null && outcome?.workChange != null && outcome.workChange > config.report.failOnWorkGrowth) {
    setFailed(
      `Compile work (LLVM IR instructions) grew by ${(outcome.workChange * 100).toFixed(2)}% against the baseline, over fail-on-work-growth (${(config.report.failOnWorkGrowth * 100).toFixed(2)}%). The report names the functions that grew.`
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
    setOutputs({ cacheHit: state.hit, cacheKey: state.primaryKey, cacheBytes: state.restoredBytes === null ? "" : String(state.restoredBytes) });
    return state;
  } catch (e) {
    setFailed(`Watchmaker cache restore failed: ${e.message}`);
    return "failed";
  }
}
function handOff(build, cache) {
  const artifactsFile = path10.join(path10.dirname(build.recordPath), `artifacts-${path10.basename(build.recordPath)}`);
  mkdirSync3(path10.dirname(artifactsFile), { recursive: true });
  writeFileSync4(artifactsFile, JSON.stringify(build.artifacts));
  const rebuiltDependencies = staleDependencies(cache?.hit, build.record);
  if (rebuiltDependencies > 0) {
    warning(
      `The exact cache key was restored, yet ${rebuiltDependencies} dependenc${rebuiltDependencies === 1 ? "y was" : "ies were"} compiled again: the cached entry is stale. The post step replaces it.`
    );
  }
  const rebuiltMembers = build.record.crates.filter((c) => c.workspaceMember).length;
  return { recordPath: build.recordPath, success: build.exitCode === 0, artifactsFile, rebuiltDependencies, rebuiltMembers };
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
  return { hit: cache.hit, key: cache.primaryKey, restoredBytes: cache.restoredBytes, backend: cache.backend === "github" ? "GitHub Actions cache" : "local cache directory" };
}

// src/main.ts
await endWhenDone(run());

import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  CargoConfigError,
  InputError,
  STATE,
  buildRunRecord,
  capture,
  captureOk,
  configValue,
  createBackend,
  debug,
  endGroup,
  error,
  findKeyLine,
  getPath,
  info,
  loadCargoConfig,
  loadRunContext,
  measureBaseByRebuild,
  parseTimingsHtml,
  parseWrapperUnits,
  readConfig,
  relativeToWorkspace,
  restoreCache,
  runReport,
  saveState,
  setFailed,
  setOutput,
  startGroup,
  warning,
  workspaceInfo
} from "./chunks/chunk-HHFSIX3R.js";

// src/main.ts
import { mkdirSync as mkdirSync2, writeFileSync as writeFileSync2 } from "node:fs";
import path4 from "node:path";
import { fileURLToPath } from "node:url";

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

// src/guard/index.ts
import { readFileSync } from "node:fs";
import path2 from "node:path";

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
  const origin = (f) => ({ kind: "config", name: displayKey, file: f.path, line: findKeyLine(f.text, keyPath) });
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
function envList(env, name) {
  const v = env[name];
  if (v === void 0) return [];
  return splitWhitespace(v).map((flag) => ({ flag, origin: { kind: "env", name } }));
}
function targetEnvName(triple) {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, "_")}_RUSTFLAGS`;
}
function resolveEffectiveRustflags(input) {
  const { env, files, targetTriple, cfg } = input;
  if (env.CARGO_ENCODED_RUSTFLAGS !== void 0) {
    const flags = env.CARGO_ENCODED_RUSTFLAGS === "" ? [] : env.CARGO_ENCODED_RUSTFLAGS.split("");
    return {
      tier: "CARGO_ENCODED_RUSTFLAGS",
      source: "CARGO_ENCODED_RUSTFLAGS",
      flags: flags.map((flag) => ({ flag, origin: { kind: "env", name: "CARGO_ENCODED_RUSTFLAGS" } })),
      usedCfgKeys: false
    };
  }
  if (env.RUSTFLAGS !== void 0) {
    return {
      tier: "RUSTFLAGS",
      source: "RUSTFLAGS",
      flags: splitRustflagsEnv(env.RUSTFLAGS).map((flag) => ({ flag, origin: { kind: "env", name: "RUSTFLAGS" } })),
      usedCfgKeys: false
    };
  }
  const sources = [];
  const tripleName = targetTriple;
  const tripleFlags = [
    ...mergedConfigList(files, ["target", tripleName, "rustflags"], `target.${tripleName}.rustflags`),
    ...envList(env, targetEnvName(tripleName))
  ];
  if (tripleFlags.length) sources.push(`target.${tripleName}.rustflags`);
  const cfgKeys = /* @__PURE__ */ new Set();
  for (const f of files) {
    const targets = f.data.target;
    if (targets && typeof targets === "object") {
      for (const k of Object.keys(targets)) if (k.startsWith("cfg(")) cfgKeys.add(k);
    }
  }
  const cfgFlags = [];
  let usedCfgKeys = false;
  for (const key of [...cfgKeys].sort()) {
    if (!cfgMatches(key, cfg)) continue;
    const list = mergedConfigList(files, ["target", key, "rustflags"], `target.'${key}'.rustflags`);
    if (list.length) {
      cfgFlags.push(...list);
      sources.push(`target.'${key}'.rustflags`);
      usedCfgKeys = true;
    }
  }
  const targetTier = [...tripleFlags, ...cfgFlags];
  if (targetTier.length) return { tier: "target", source: sources.join(", "), flags: targetTier, usedCfgKeys };
  const buildTier = [...mergedConfigList(files, ["build", "rustflags"], "build.rustflags"), ...envList(env, "CARGO_BUILD_RUSTFLAGS")];
  if (buildTier.length) {
    const names = [...new Set(buildTier.map((f) => f.origin.kind === "env" ? f.origin.name : "build.rustflags"))];
    return { tier: "build", source: names.join(", "), flags: buildTier, usedCfgKeys: false };
  }
  return { tier: "none", source: "none", flags: [], usedCfgKeys: false };
}
function parseCfgExpr(key) {
  const m = /^cfg\((.*)\)$/s.exec(key.trim());
  if (!m) return null;
  const src = m[1];
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const ident = () => {
    ws();
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!id) return null;
    i += id[0].length;
    return id[0];
  };
  const expr = () => {
    const name = ident();
    if (!name) return null;
    ws();
    if (src[i] === "(" && (name === "all" || name === "any" || name === "not")) {
      i++;
      const items = [];
      ws();
      while (src[i] !== ")") {
        const item = expr();
        if (!item) return null;
        items.push(item);
        ws();
        if (src[i] === ",") i++;
        else if (src[i] !== ")") return null;
        ws();
      }
      i++;
      if (name === "not") return items.length === 1 ? { kind: "not", item: items[0] } : null;
      return { kind: name, items };
    }
    if (src[i] === "=") {
      i++;
      ws();
      const str = /^"((?:[^"\\]|\\.)*)"/.exec(src.slice(i));
      if (!str) return null;
      i += str[0].length;
      return { kind: "pair", name, value: str[1] };
    }
    if (name === "true" || name === "false") return { kind: "bool", value: name === "true" };
    return { kind: "name", name };
  };
  const parsed = expr();
  ws();
  return parsed && i === src.length ? parsed : null;
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
async function runGuard(config, rustc, env) {
  const cwd = config.workingDirectory;
  const files = loadCargoConfig(cwd, env);
  const targetTriple = selectTargetTriple(config.cargoArgs, env, files, rustc.host);
  const cfgFor = async (flags) => {
    try {
      return await probeCfg(cwd, flags, targetTriple === rustc.host ? null : targetTriple, env);
    } catch (e) {
      warning(`Watchmaker could not ask rustc for the cfg of ${targetTriple} (${e.message.split("\n")[0]}); target.'cfg(...)' rustflags are matched as if no cfg were set.`);
      return [];
    }
  };
  let effective = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor([]) });
  const hasCfgKeys = files.some((f) => Object.keys(f.data.target ?? {}).some((k) => k.startsWith("cfg(")));
  if (hasCfgKeys && effective.flags.length > 0) {
    const again = resolveEffectiveRustflags({ env, files, targetTriple, cfg: await cfgFor(effective.flags.map((f) => f.flag)) });
    if (again.flags.map((f) => f.flag).join("") !== effective.flags.map((f) => f.flag).join("")) effective = again;
  }
  const hash = rustflagsHash(effective.flags.map((f) => f.flag), targetTriple);
  const readArgfile = (file) => {
    try {
      return readFileSync(path2.resolve(cwd, file), "utf8");
    } catch {
      warning(`RUSTFLAGS names the argfile @${file}, which cannot be read from ${cwd}; its flags were not checked.`);
      return null;
    }
  };
  const findings = config.guard === "off" ? [] : findNonPortableFlags(effective.flags, readArgfile);
  const failed = config.guard === "error" && config.inCI && findings.some((f) => f.severity === "error");
  startGroup("Watchmaker: effective RUSTFLAGS");
  info(`target: ${targetTriple}`);
  info(`source: ${effective.source}`);
  info(`flags: ${effective.flags.length ? effective.flags.map((f) => f.flag).join(" ") : "(none)"}`);
  info(`config files: ${files.length ? files.map((f) => f.path).join(", ") : "(none)"}`);
  info(`hash: ${hash.slice(0, 16)}`);
  info(`guard: ${config.guard}${config.guard === "off" ? "" : `, ${findings.length} finding(s)`}`);
  endGroup();
  for (const finding of findings) {
    const properties = { title: finding.severity === "error" ? "Non-portable RUSTFLAGS" : "Watchmaker: CPU-specific flag" };
    if (finding.origin.file) {
      properties.file = relativeToWorkspace(finding.origin.file, env);
      if (finding.origin.line) properties.startLine = finding.origin.line;
    }
    if (finding.severity === "error" && config.guard === "error" && config.inCI) error(finding.message, properties);
    else warning(finding.message, properties);
  }
  return { mode: config.guard, targetTriple, effective, findings, hash, failed };
}

// src/timings/index.ts
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync as readFileSync2, rmSync, statSync, writeFileSync } from "node:fs";
import path3 from "node:path";
import { createInterface } from "node:readline";

// src/timings/messages.ts
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
        fresh: msg.fresh === true
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
function emptyMessages() {
  return { artifacts: [], buildScripts: [], finished: null, otherLines: [] };
}

// src/timings/index.ts
async function perfWorks(env) {
  try {
    const r = await capture("perf", ["stat", "-x,", "-e", "instructions:u", "--", "true"], { env });
    return r.code === 0 && /^\d+,/m.test(r.stderr);
  } catch {
    return false;
  }
}
function userWrapper(cwd, env) {
  if (env.RUSTC_WRAPPER !== void 0) return env.RUSTC_WRAPPER || null;
  if (env.CARGO_BUILD_RUSTC_WRAPPER !== void 0) return env.CARGO_BUILD_RUSTC_WRAPPER || null;
  try {
    const v = configValue(loadCargoConfig(cwd, env), ["build", "rustc-wrapper"]);
    if (typeof v?.value !== "string" || v.value === "") return null;
    return v.value.includes("/") ? path3.resolve(path3.dirname(path3.dirname(v.file)), v.value) : v.value;
  } catch {
    return null;
  }
}
async function runTimedBuild(input) {
  const { config, env } = input;
  const cwd = input.workingDirectory ?? config.workingDirectory;
  const recordPath = input.recordPath ?? config.recordPath;
  const log = input.log ?? ((line) => void process.stdout.write(`${line}
`));
  mkdirSync(path3.dirname(recordPath), { recursive: true });
  const info2 = await workspaceInfo(cwd, env, config.cargoArgs).catch((e) => {
    log(`Watchmaker: ${e.message}`);
    return null;
  });
  const [program, ...commandArgs] = config.buildCommand;
  const args = [...commandArgs, "--profile", config.profile, "--timings", "--message-format=json-render-diagnostics", ...config.cargoArgs];
  const buildEnv = { ...env };
  const unitsFile = `${recordPath}.units.jsonl`;
  rmSync(unitsFile, { force: true });
  const perf = input.wrapperPath !== null && await perfWorks(env);
  const measureDir = `${recordPath}.measure`;
  rmSync(measureDir, { recursive: true, force: true });
  if (input.wrapperPath) {
    const inner = userWrapper(cwd, env);
    mkdirSync(measureDir, { recursive: true });
    Object.assign(buildEnv, {
      RUSTC_WRAPPER: input.wrapperPath,
      WATCHMAKER_UNITS_FILE: unitsFile,
      WATCHMAKER_MEASURE_DIR: measureDir,
      WATCHMAKER_INNER_WRAPPER: inner ?? "",
      WATCHMAKER_PERF: perf ? "1" : "0"
    });
    delete buildEnv.CARGO_BUILD_RUSTC_WRAPPER;
  }
  const messages = emptyMessages();
  const startedAtMs = Date.now();
  const started = process.hrtime.bigint();
  const exitCode = await new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd, env: buildEnv, stdio: ["ignore", "pipe", "pipe"] });
    child.on(
      "error",
      (e) => reject(e.code === "ENOENT" ? new Error(`'${program}' was not found on PATH. Install Rust before this step (for example with rustup).`) : e)
    );
    const stdoutDone = new Promise((r) => createInterface({ input: child.stdout }).on("line", (line) => parseCargoMessage(line, messages)).on("close", r));
    const stderrDone = new Promise((r) => createInterface({ input: child.stderr }).on("line", log).on("close", r));
    child.on("close", (code, signal) => {
      void Promise.all([stdoutDone, stderrDone]).then(() => resolve(code ?? (signal ? 128 : 1)));
    });
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  rmSync(measureDir, { recursive: true, force: true });
  for (const line of messages.otherLines) log(line);
  let timings = null;
  let timingsHtml = null;
  const cargoHtml = info2 ? path3.join(info2.targetDirectory, "cargo-timings", "cargo-timing.html") : null;
  if (cargoHtml && existsSync(cargoHtml) && statSync(cargoHtml).mtimeMs >= startedAtMs - 1e3) {
    timingsHtml = path3.join(path3.dirname(recordPath), `cargo-timing-${config.profile}${input.workingDirectory ? `-${path3.basename(recordPath, ".json")}` : ""}.html`);
    copyFileSync(cargoHtml, timingsHtml);
    timings = parseTimingsHtml(readFileSync2(timingsHtml, "utf8"));
    for (const w of timings.warnings) log(`Watchmaker: timings report: ${w}`);
  }
  const wrapperUnits = input.wrapperPath ? existsSync(unitsFile) ? parseWrapperUnits(readFileSync2(unitsFile, "utf8")) : [] : null;
  const cargoVersion = (await capture("cargo", ["-V"], { cwd, env }).catch(() => null))?.stdout.trim() || null;
  const commit = input.context.sha ?? await gitHead(cwd, env);
  const record = buildRunRecord({
    profile: config.profile,
    flagsHash: input.flagsHash,
    targetTriple: input.targetTriple,
    rustc: input.rustc,
    cargoVersion,
    context: input.context,
    commit,
    command: [program, ...args],
    exitCode,
    wallSeconds,
    startedAtMs,
    wrapperUnits,
    perf,
    messages,
    timings,
    timingsHtml,
    workspaceMembers: info2?.members ?? /* @__PURE__ */ new Set()
  });
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}
`);
  const artifacts = /* @__PURE__ */ new Set();
  for (const a of messages.artifacts) {
    for (const f of a.filenames) artifacts.add(f);
    if (a.executable) artifacts.add(a.executable);
  }
  for (const b of messages.buildScripts) if (b.outDir) artifacts.add(b.outDir);
  return { record, exitCode, recordPath, timingsHtml, artifacts: [...artifacts] };
}
async function gitHead(cwd, env) {
  try {
    const r = await capture("git", ["rev-parse", "HEAD"], { cwd, env });
    return r.code === 0 ? r.stdout.trim() : null;
  } catch {
    return null;
  }
}

// src/main.ts
var WRAPPER_PATH = path4.join(path4.dirname(fileURLToPath(import.meta.url)), "rustc-wrapper.sh");
async function runMain() {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const rustc = await probeRustcVersion(config.workingDirectory, env);
  info(`Watchmaker: rustc ${rustc.release} on ${rustc.host}, profile '${config.profile}', ${context.eventName ? `event '${context.eventName}'` : "local run"}`);
  const guard = await guardPhase(config, rustc, env);
  if (!guard) return;
  setOutput("rustflags-hash", guard.hash);
  saveState(STATE.flagsHash, guard.hash);
  const cache = await cachePhase(config, context, rustc, guard, env);
  if (cache === "failed") return;
  if (!config.build) {
    info("Watchmaker: build is false, so no timed build and no report. Later steps reuse the restored cache.");
    return;
  }
  const build = await runTimedBuild({ config, context, rustc, flagsHash: guard.hash, targetTriple: guard.targetTriple, env, wrapperPath: WRAPPER_PATH });
  setOutput("report", build.recordPath);
  setOutput("timings-html", build.timingsHtml ?? "");
  setOutput("build-seconds", build.record.totals.wallSeconds.toFixed(2));
  saveState(STATE.recordPath, build.recordPath);
  saveState(STATE.artifactsPath, writeArtifactList(build));
  const outcome = await reportPhase(config, context, rustc, guard, cache, build, env);
  if (build.exitCode !== 0) {
    setFailed(`'${[...config.buildCommand, ...config.cargoArgs].join(" ")}' failed with exit code ${build.exitCode}. The run record (${build.recordPath}) and the report still show what was measured.`);
  } else if (outcome?.verdict === "regression" && config.failOnRegression) {
    setFailed(`Build time regressed by ${outcome.changePercent?.toFixed(1)}% (${outcome.metric}) against the base branch, and fail-on-regression is true.`);
  }
}
async function guardPhase(config, rustc, env) {
  try {
    const guard = await runGuard(config, rustc, env);
    if (guard.failed) {
      const errors = guard.findings.filter((f) => f.severity === "error").length;
      setFailed(`Watchmaker guard: ${errors} non-portable flag setting${errors === 1 ? "" : "s"} would make this CI build depend on the runner's CPU (see the annotations above). Set 'guard: warn' to only warn.`);
      return void 0;
    }
    return guard;
  } catch (e) {
    if (e instanceof CargoConfigError) {
      error(e.message, { title: "Invalid cargo config", file: relativeToWorkspace(e.file, process.env), startLine: e.line ?? void 0 });
      setFailed(`Watchmaker could not read cargo's configuration: ${e.message}`);
      return void 0;
    }
    throw e;
  }
}
async function cachePhase(config, context, rustc, guard, env) {
  if (!config.cache) {
    setOutput("cache-hit", "disabled");
    return null;
  }
  try {
    const state = await restoreCache({ config, context, rustc, flagsHash: guard.hash, targetTriple: guard.targetTriple, env });
    saveState(STATE.cache, JSON.stringify(state));
    setOutput("cache-hit", state.hit);
    setOutput("cache-key", state.primaryKey);
    setOutput("cache-bytes", state.restoredBytes === null ? "" : String(state.restoredBytes));
    return state;
  } catch (e) {
    setFailed(`Watchmaker cache restore failed: ${e.message}`);
    return "failed";
  }
}
async function reportPhase(config, context, rustc, guard, cache, build, env) {
  try {
    let head = [build.record];
    let base = null;
    let baseLabel = null;
    if (config.baseline === "rebuild" && build.exitCode === 0) {
      const baseSha = context.pullRequest?.baseSha;
      if (baseSha) {
        const measured = await measureBaseByRebuild({
          headDir: config.workingDirectory,
          baseSha,
          profile: config.profile,
          samples: config.baselineSamples,
          targetDir: cache?.targetDir ?? path4.join(config.workingDirectory, "target"),
          env,
          build: async (dir, label, buildEnv) => (await runTimedBuild({
            config,
            context,
            rustc,
            flagsHash: guard.hash,
            targetTriple: guard.targetTriple,
            env: buildEnv,
            wrapperPath: WRAPPER_PATH,
            workingDirectory: dir,
            recordPath: path4.join(path4.dirname(build.recordPath), `rebuild-${label}.json`)
          })).record
        });
        head = measured.head;
        base = measured.base;
        baseLabel = `base commit ${baseSha.slice(0, 7)}, rebuilt here ${config.baselineSamples}\xD7 alternating with this commit`;
      } else {
        warning("baseline: rebuild needs a pull_request event (to know the base commit); comparing with the cached baseline instead.");
      }
    }
    const outcome = await runReport({
      config,
      context,
      env,
      head,
      base,
      baseLabel,
      backend: config.baseline === "cache" ? createBackend(config, env) : null,
      flagsHash: guard.hash,
      guard: summarizeGuard(guard),
      cache: summarizeCache(cache)
    });
    const markdownPath = path4.join(path4.dirname(build.recordPath), `report-${config.profile.replace(/[^A-Za-z0-9_-]/g, "_")}.md`);
    writeFileSync2(markdownPath, outcome.markdown);
    setOutput("report-markdown", markdownPath);
    setOutput("verdict", outcome.verdict);
    setOutput("baseline-seconds", outcome.baselineSeconds === null ? "" : outcome.baselineSeconds.toFixed(2));
    setOutput("change-percent", outcome.changePercent === null ? "" : outcome.changePercent.toFixed(2));
    return outcome;
  } catch (e) {
    warning(`Watchmaker could not produce the build-time report: ${e.message}`);
    setOutput("verdict", build.exitCode === 0 ? "no-baseline" : "build-failed");
    return void 0;
  }
}
function summarizeGuard(guard) {
  return {
    mode: guard.mode,
    failed: guard.failed,
    errors: guard.findings.filter((f) => f.severity === "error").length,
    warnings: guard.findings.filter((f) => f.severity === "warning").length,
    flags: guard.effective.flags.map((f) => f.flag),
    source: guard.effective.source
  };
}
function summarizeCache(cache) {
  if (!cache) return { hit: "disabled", key: null, restoredBytes: null, backend: null };
  return { hit: cache.hit, key: cache.primaryKey, restoredBytes: cache.restoredBytes, backend: cache.backend === "github" ? "GitHub Actions cache" : "local cache directory" };
}
function writeArtifactList(build) {
  const file = path4.join(path4.dirname(build.recordPath), `artifacts-${path4.basename(build.recordPath)}`);
  mkdirSync2(path4.dirname(file), { recursive: true });
  writeFileSync2(file, JSON.stringify(build.artifacts));
  return file;
}
try {
  await runMain();
} catch (e) {
  setFailed(e instanceof InputError ? e.message : `Watchmaker failed: ${e.message}`);
  if (!(e instanceof InputError)) debug(e.stack ?? String(e));
}

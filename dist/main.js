import { createRequire as __wmCreateRequire } from 'node:module'; const require = __wmCreateRequire(import.meta.url);
import {
  InputError,
  info,
  readConfig,
  setFailed,
  setOutput,
  summary
} from "./chunks/chunk-FM5SANY6.js";

// src/main.ts
import { spawn as spawn2 } from "node:child_process";

// src/context.ts
import { readFileSync, existsSync } from "node:fs";
var obj = (v) => v && typeof v === "object" && !Array.isArray(v) ? v : null;
var str = (v) => typeof v === "string" && v !== "" ? v : null;
function readRunContext(env, event) {
  const payload = obj(event) ?? {};
  const repository = str(env.GITHUB_REPOSITORY);
  const [owner, repo] = repository?.includes("/") ? repository.split("/", 2) : [null, null];
  const serverUrl = str(env.GITHUB_SERVER_URL) ?? "https://github.com";
  const apiUrl = str(env.GITHUB_API_URL) ?? "https://api.github.com";
  const repoPayload = obj(payload.repository);
  const defaultBranch = str(repoPayload?.default_branch);
  const pr = obj(payload.pull_request);
  let pullRequest = null;
  if (pr && typeof pr.number === "number") {
    const base = obj(pr.base);
    const head = obj(pr.head);
    const baseRepo = str(obj(base?.repo)?.full_name);
    const headRepo = str(obj(head?.repo)?.full_name);
    pullRequest = {
      number: pr.number,
      baseRef: str(base?.ref) ?? str(env.GITHUB_BASE_REF) ?? defaultBranch ?? "main",
      baseSha: str(base?.sha),
      headSha: str(head?.sha),
      fromFork: baseRepo !== null && headRepo !== null && baseRepo !== headRepo
    };
  }
  const ref = str(env.GITHUB_REF);
  const refName = str(env.GITHUB_REF_NAME) ?? (ref?.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null);
  const runId = str(env.GITHUB_RUN_ID);
  return {
    onGitHub: env.GITHUB_ACTIONS === "true",
    eventName: str(env.GITHUB_EVENT_NAME),
    ref,
    refName,
    sha: str(env.GITHUB_SHA),
    repository,
    owner,
    repo,
    defaultBranch,
    pullRequest,
    onDefaultBranch: pullRequest === null && defaultBranch !== null && ref === `refs/heads/${defaultBranch}`,
    runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : null,
    job: str(env.GITHUB_JOB),
    apiUrl,
    serverUrl
  };
}
function loadRunContext(env = process.env) {
  let event = null;
  const eventPath = env.GITHUB_EVENT_PATH;
  if (eventPath && existsSync(eventPath)) {
    try {
      event = JSON.parse(readFileSync(eventPath, "utf8"));
    } catch (e) {
      throw new Error(`GITHUB_EVENT_PATH (${eventPath}) is not valid JSON: ${e.message}`);
    }
  }
  return readRunContext(env, event);
}

// src/proc.ts
import { spawn } from "node:child_process";
function capture(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on(
      "error",
      (e) => reject(e.code === "ENOENT" ? new Error(`'${command}' was not found on PATH. Install it (for Rust: rustup or a setup-rust action) before this step.`) : e)
    );
    child.on(
      "close",
      (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") })
    );
    child.stdin.end(options.input ?? "");
  });
}
async function captureOk(command, args, options = {}) {
  const r = await capture(command, args, options);
  if (r.code !== 0) {
    throw new Error(`'${[command, ...args].join(" ")}' failed with exit code ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

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
function rustcCommand(env = process.env) {
  return env.RUSTC || "rustc";
}
async function probeRustcVersion(cwd, env = process.env) {
  return parseRustcVersion(await captureOk(rustcCommand(env), ["-vV"], { cwd, env }));
}

// src/main.ts
async function runMain() {
  const env = process.env;
  const config = readConfig(env);
  const context = loadRunContext(env);
  const rustc = await probeRustcVersion(config.workingDirectory, env);
  info(`Watchmaker: rustc ${rustc.release} (${rustc.host}), profile ${config.profile}, event ${context.eventName ?? "local"}`);
  if (!config.build) return;
  const args = [...config.buildCommand.slice(1), "--profile", config.profile, "--timings", ...config.cargoArgs];
  const started = Date.now();
  const code = await new Promise((resolve, reject) => {
    const child = spawn2(config.buildCommand[0], args, { cwd: config.workingDirectory, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", (c) => resolve(c ?? 1));
  });
  const seconds = (Date.now() - started) / 1e3;
  setOutput("build-seconds", seconds.toFixed(2));
  if (env.GITHUB_STEP_SUMMARY) {
    await summary.addHeading(`Watchmaker: ${config.profile} build`, 3).addRaw(`Build took ${seconds.toFixed(1)} s.`, true).write();
  }
  if (code !== 0) setFailed(`'${config.buildCommand.join(" ")}' failed with exit code ${code}.`);
}
try {
  await runMain();
} catch (e) {
  setFailed(e instanceof InputError ? e.message : `Watchmaker failed: ${e.stack ?? e}`);
}

// The environment every child process that may run repository code gets (cargo, its build
// scripts and proc macros, rustc wrappers, git hooks): the step's environment without the job's
// secrets and the runner's plumbing. A plain `run: cargo build` step never sees INPUT_*
// (the github-token input among them), STATE_* or ACTIONS_* (ACTIONS_RUNTIME_TOKEN,
// ACTIONS_RESULTS_URL, ACTIONS_ID_TOKEN_REQUEST_*), so neither does the action's build,
// unless the user names a variable in the pass-env input. Pure.

const PRIVATE = /^(INPUT_|STATE_|ACTIONS_)/i;

export function childEnv(env: NodeJS.ProcessEnv, passEnv: readonly string[] = []): NodeJS.ProcessEnv {
  const keep = new Set(passEnv);
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (PRIVATE.test(name) && !keep.has(name)) continue;
    out[name] = value;
  }
  return out;
}

// The toolkit reads process.env itself (@actions/github's Context, @actions/cache's feature
// check), while the action passes its environment explicitly so that tests run it with their
// own. For a synchronous library call, `env` stands in for process.env while the call runs.

/**
 * Runs `read` with process.env set to `env`, then puts process.env back. Only for synchronous
 * calls: nothing else runs in between, so no other code sees the stand-in.
 */
export function withProcessEnv<T>(env: NodeJS.ProcessEnv, read: () => T): T {
  if (env === process.env) return read();
  const saved = process.env;
  process.env = env;
  try {
    return read();
  } finally {
    process.env = saved;
  }
}

// The tests' GitHub runner: scripts/lib/runner.mjs, the one imitation of the runner that the
// local command (scripts/local-run.mjs) and the bench use too. A Job runs the bundled action's
// steps (dist/main.js, dist/post.js) as separate Node processes on a simulated hosted runner
// (`github: true` and `stdio: 'capture'` by default), so tests read back what a user sees.
export * from '../../scripts/lib/runner.mjs';

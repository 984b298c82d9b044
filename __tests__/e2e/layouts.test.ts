// End to end, every common layout: the crates the action treats as yours (timed as yours, listed
// in the report, cached and cleaned like the members) are the local path packages the build
// compiled, whatever `cargo metadata` calls a workspace member: path dependencies of a root
// package without [workspace], an excluded crate used by path, path dependencies outside the
// workspace (also one reached only through another); and never a member the build did not
// compile (default-members).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunRecord } from '../../src/record.js';
import { Job } from '../helpers/action-runner.js';
import { LAYOUT_FIXTURES, layOut, type LayoutFixture } from '../helpers/cargo-layouts.js';
import { git } from '../helpers/fixtures.js';
import { startLocalRegistry, type LocalRegistry } from '../helpers/registry.js';

let reg: LocalRegistry;
let cargoHome: string;
beforeAll(async () => {
  reg = await startLocalRegistry();
  cargoHome = reg.cargoHome();
});
afterAll(async () => reg.stop());

const readRecord = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunRecord;

/** One job (main, post) of the action on the layout, on the local cache backend; `inputs` add to or override the defaults. */
async function job(workspace: string, cacheDir: string, inputs: Record<string, string> = {}) {
  const j = new Job({
    workspace,
    env: reg.vars(cargoHome),
    inputs: { 'cache-backend': 'local', 'cache-dir': cacheDir, comment: 'never', 'compile-work': 'false', ...inputs },
  });
  const main = await j.main();
  const post = await j.post();
  expect(post.exitCode).toBe(0);
  return { main, post, record: readRecord(main.outputs.report!) };
}

const marked = (layout: LayoutFixture) =>
  layout.yours.map((n) => (layout.members.includes(n) ? n : `${n} (path dependency)`)).join(', ');

describe.each(Object.entries(LAYOUT_FIXTURES))('%s', (_, layout) => {
  test(`${layout.name}: the crates the build compiled from local paths are yours, in the log, the record and the report`, async () => {
    const { tree } = layOut(layout, reg.env(cargoHome));
    const { main, record } = await job(tree, mkdtempSync(path.join(os.tmpdir(), 'wm-layout-cache-')), {
      'working-directory': layout.dir,
    });
    expect(main.exitCode).toBe(0);
    expect(main.annotations.filter((a) => a.level !== 'notice')).toEqual([]);
    expect(record.workspaceMembers).toEqual(layout.yours);
    expect(
      record.crates
        .filter((c) => c.workspaceMember)
        .map((c) => c.crate)
        .sort(),
    ).toEqual(layout.yours);
    expect(record.crates.find((c) => c.crate === 'wm-alpha')?.workspaceMember).toBe(false);
    // A member the build did not compile (not a default member) is not "fresh from the cache".
    expect(main.summary).toContain(
      `Your crates compiled: ${layout.yours.join(', ')}; already built in this target directory: none.`,
    );
    expect(main.stdout).toContain(`Watchmaker: your crates in this build (local path packages): ${marked(layout)}.`);
  });
});

describe('path dependencies outside the workspace', () => {
  const layout = LAYOUT_FIXTURES.outside;

  test('a change to one is a change to your code: no stale-cache warning on an exact hit, and the report counts it as yours', async () => {
    const { tree } = layOut(layout, reg.env(cargoHome));
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'wm-layout-cache-'));
    const first = await job(tree, cacheDir, { 'working-directory': layout.dir });
    expect(first.main.exitCode).toBe(0);
    writeFileSync(path.join(tree, 'shared/leaf/src/lib.rs'), 'pub const LEAF: u64 = 8;\n');
    git(tree, 'commit', '-qam', 'change the shared leaf');
    const second = await job(tree, cacheDir, { 'working-directory': layout.dir });
    expect(second.main.exitCode).toBe(0);
    expect(second.main.outputs['cache-hit']).toBe('exact');
    expect(second.main.annotations.filter((a) => /stale/.test(a.message))).toEqual([]);
    const compiled = second.record.crates.filter((c) => c.workspaceMember).map((c) => c.crate);
    expect(compiled).toEqual(expect.arrayContaining(['shared-leaf', 'shared-util', 'app']));
    expect(second.record.crates.filter((c) => !c.workspaceMember).map((c) => c.crate)).toEqual([]);
  });

  test("without keep-fresh their units are not cached, as the members' are not: the cleaner treats them as yours", async () => {
    const { tree, workspace } = layOut(layout, reg.env(cargoHome));
    const { main } = await job(tree, mkdtempSync(path.join(os.tmpdir(), 'wm-layout-cache-')), {
      'working-directory': layout.dir,
      'keep-fresh': 'false',
    });
    expect(main.exitCode).toBe(0);
    const deps = readdirSync(path.join(workspace, 'target/debug/deps'));
    expect(deps.some((f) => f.startsWith('libwm_alpha-'))).toBe(true);
    for (const own of ['app-', 'libcore_lib-', 'libshared_util-', 'libshared_leaf-'])
      expect(deps.filter((f) => f.startsWith(own))).toEqual([]);
  });
});

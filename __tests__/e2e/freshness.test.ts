// End to end, keep-fresh (the default): every job is a new clone at the same path (every file
// gets the checkout's time, as on a hosted runner), the cache carries a manifest of what its
// units were compiled from, and cargo rebuilds exactly the workspace crates a commit changed
// and their dependents. Then the tests try to break it: old timestamps on new content, files
// edited by an earlier step or between main and post, build: false, feature and profile
// switches. What cargo compiled is read from its own `Compiling` lines; the binary built from
// cached crates is run to show the code is the new one.
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setting as checkoutsSetting } from '../helpers/checkouts.js';
import { git } from '../helpers/fixtures.js';
import { LAYOUTS, type LayoutCase } from '../helpers/layouts.js';

/** tool (bin) → core-lib (include_str! of data.txt, a feature) and gen (build script reading stamp.txt). */
const WORKSPACE = {
  'Cargo.toml': '[workspace]\nmembers = ["tool", "core-lib", "gen"]\nresolver = "2"\n',
  'tool/Cargo.toml':
    '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore-lib = { path = "../core-lib" }\ngen = { path = "../gen" }\n',
  'tool/src/main.rs':
    'fn main() {\n    println!("tool-v1 {} {} {}", core_lib::answer(), core_lib::DATA.trim(), gen::STAMP);\n}\n',
  'core-lib/Cargo.toml':
    '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\nextra = []\n',
  'core-lib/src/lib.rs':
    'pub const DATA: &str = include_str!("../data.txt");\n#[cfg(not(feature = "extra"))]\npub fn answer() -> u64 { 385 }\n#[cfg(feature = "extra")]\npub fn answer() -> u64 { 999 }\n',
  'core-lib/data.txt': 'data-v1\n',
  'gen/Cargo.toml': '[package]\nname = "gen"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n',
  'gen/build.rs':
    'fn main() {\n    println!("cargo:rerun-if-changed=stamp.txt");\n    let stamp = std::fs::read_to_string("stamp.txt").unwrap();\n    println!("cargo:rustc-env=GEN_STAMP={}", stamp.trim());\n}\n',
  'gen/stamp.txt': 'stamp-v1\n',
  'gen/src/lib.rs': 'pub const STAMP: &str = env!("GEN_STAMP");\n',
  '.gitignore': '/target\n',
};

/** The jobs of one toolchain and layout on an origin of `files` (helpers/checkouts.ts). */
const setting = (layout: LayoutCase, files: Record<string, string> = WORKSPACE) => checkoutsSetting(files, layout.env);

describe.each(LAYOUTS)('keep-fresh ($name)', (layout) => {
  const s = setting(layout);
  let sha = git(s.origin, 'rev-parse', 'HEAD');

  test('the first job compiles every member and saves a manifest of what it compiled', async () => {
    const first = await s.job(sha);
    expect(first.compiled).toEqual(['core-lib', 'gen', 'tool']);
    expect(first.post.stdout).toMatch(/freshness manifest: 11 of 11 tracked files described/);
  });

  test('a new clone of the same commit compiles nothing: every file is proven unchanged', async () => {
    const again = await s.job(sha);
    expect(again.compiled).toEqual([]);
    expect(again.main.stdout).toMatch(
      /Freshness across checkouts: 11 tracked files proven unchanged since the cached build/,
    );
    expect(again.main.summary).toMatch(/Your crates compiled: none; fresh from the cache: core-lib, gen, tool\./);
    expect(again.run()).toBe('tool-v1 385 data-v1 stamp-v1');
  });

  test('a change in the leaf compiles only the leaf, and the binary runs the new code', async () => {
    sha = s.commit({ 'tool/src/main.rs': WORKSPACE['tool/src/main.rs'].replace('tool-v1', 'tool-v2') });
    const leaf = await s.job(sha);
    expect(leaf.compiled).toEqual(['tool']);
    expect(leaf.main.stdout).toMatch(/1 changed or new keep theirs/);
    expect(leaf.run()).toBe('tool-v2 385 data-v1 stamp-v1');
  });

  test('a change in a library compiles it and its dependents, not its siblings', async () => {
    sha = s.commit({ 'core-lib/src/lib.rs': WORKSPACE['core-lib/src/lib.rs'].replace('385', '386') });
    const core = await s.job(sha);
    expect(core.compiled).toEqual(['core-lib', 'tool']);
    expect(core.run()).toBe('tool-v2 386 data-v1 stamp-v1');
  });

  test('new content with a commit date and file time older than the cached build is still compiled', async () => {
    const old = new Date('2001-01-01T00:00:00Z');
    sha = s.commit(
      { 'core-lib/data.txt': 'data-v2\n' },
      { GIT_COMMITTER_DATE: old.toISOString(), GIT_AUTHOR_DATE: old.toISOString() },
    );
    // A step that sets file times to commit dates (as some restore-mtime actions do) ran first.
    const dated = await s.job(sha, { before: (dir) => utimesSync(path.join(dir, 'core-lib/data.txt'), old, old) });
    expect(dated.compiled).toEqual(['core-lib', 'tool']);
    expect(dated.run()).toBe('tool-v2 386 data-v2 stamp-v1');
  });

  test('a file changed between the main and post steps is not described: the next job compiles it', async () => {
    const later = 'pub const DATA: &str = include_str!("../data.txt");\npub fn answer() -> u64 { 500 }\n';
    await s.job(sha, { between: (dir) => writeFileSync(path.join(dir, 'core-lib/src/lib.rs'), later) });
    // The next commit has exactly what the later step wrote: its content was never compiled.
    sha = s.commit({ 'core-lib/src/lib.rs': later });
    const next = await s.job(sha);
    expect(next.compiled).toEqual(['core-lib', 'tool']);
    expect(next.run()).toBe('tool-v2 500 data-v2 stamp-v1');
  });
});

describe('keep-fresh: what else could break it (stable, old layout)', () => {
  const s = setting(LAYOUTS[0]!);
  let sha = git(s.origin, 'rev-parse', 'HEAD');

  beforeAll(async () => {
    await s.job(sha);
  });

  test('a file edited by an earlier step is compiled, and the next job on the committed content compiles it again', async () => {
    const edit = (dir: string) => writeFileSync(path.join(dir, 'core-lib/data.txt'), 'edited-by-a-step\n');
    const edited = await s.job(sha, { before: edit });
    expect(edited.compiled).toEqual(['core-lib', 'tool']);
    expect(edited.run()).toBe('tool-v1 385 edited-by-a-step stamp-v1');
    const clean = await s.job(sha);
    expect(clean.compiled).toEqual(['core-lib', 'tool']);
    expect(clean.run()).toBe('tool-v1 385 data-v1 stamp-v1');
  });

  test('a rerun-if-changed input of a build script: the build script reruns and its crate compiles', async () => {
    sha = s.commit({ 'gen/stamp.txt': 'stamp-v2\n' });
    const stamped = await s.job(sha);
    expect(stamped.compiled).toEqual(['gen', 'tool']);
    expect(stamped.run()).toBe('tool-v1 385 data-v1 stamp-v2');
  });

  test('another feature set compiles its own unit, and switching back never runs the wrong code', async () => {
    const extra = await s.job(sha, { inputs: { 'cargo-args': '--features core-lib/extra' } });
    expect(extra.compiled).toEqual(['core-lib', 'tool']);
    expect(extra.run()).toBe('tool-v1 999 data-v1 stamp-v2');
    const plain = await s.job(sha);
    expect(plain.run()).toBe('tool-v1 385 data-v1 stamp-v2');
  });

  test('build: false with the build in a later step: a changed file is never described from what was only checked out', async () => {
    sha = s.commit({ 'tool/src/main.rs': WORKSPACE['tool/src/main.rs'].replace('tool-v1', 'tool-v3') });
    const userBuild = (dir: string) => execFileSync('cargo', ['build', '--offline'], { cwd: dir, stdio: 'ignore' });
    await s.job(sha, { inputs: { build: 'false' }, between: userBuild });
    const next = await s.job(sha);
    // tool/src/main.rs changed after the cached build this job restored: unproven, so compiled again.
    expect(next.compiled).toEqual(['tool']);
    expect(next.run()).toBe('tool-v3 385 data-v1 stamp-v2');
  });

  test('keep-fresh: false compiles every member, as before, and caches none', async () => {
    const off = await s.job(sha, { inputs: { 'keep-fresh': 'false', 'cache-save': 'always' } });
    expect(off.compiled).toEqual(['core-lib', 'gen', 'tool']);
    expect(off.post.stdout).toMatch(/one of your crates/);
  });

  test('a new profile is a cache of its own: every member compiled once', async () => {
    const release = await s.job(sha, { inputs: { profile: 'release' } });
    expect(release.compiled).toEqual(['core-lib', 'gen', 'tool']);
  });
});

describe('keep-fresh never touches what cargo owns', () => {
  // No .gitignore: target/ is untracked and not ignored, so git lists the restored units as new files.
  const { '.gitignore': _ignored, ...unignored } = WORKSPACE;
  const s = setting(LAYOUTS[0]!, unignored);
  const sha = git(s.origin, 'rev-parse', 'HEAD');

  test('restored units keep their times (a newer time would make a stale unit look fresh), and nothing is compiled', async () => {
    await s.job(sha);
    const again = await s.job(sha);
    expect(again.main.stdout).toMatch(/Freshness across checkouts: \d+ tracked files proven unchanged/);
    expect(again.main.stdout).not.toMatch(/moved to now/);
    expect(again.compiled).toEqual([]);
    expect(again.run()).toBe('tool-v1 385 data-v1 stamp-v1');
  });
});

/** tool (bin) → core-lib: include_str! of a regular file and of a tracked link, a build script without rerun-if-changed. */
const ATTACK = {
  'Cargo.toml': '[workspace]\nmembers = ["tool", "core-lib"]\nresolver = "2"\n',
  'tool/Cargo.toml':
    '[package]\nname = "tool"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncore-lib = { path = "../core-lib" }\n',
  'tool/src/main.rs':
    'fn main() {\n    println!("{} {:?} {}", core_lib::answer(), core_lib::DATA, core_lib::LINKED.trim());\n}\n',
  'core-lib/Cargo.toml': '[package]\nname = "core-lib"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n',
  // No rerun-if-changed: cargo reruns it when the newest file of the package has another time.
  'core-lib/build.rs': 'fn main() {\n    println!("cargo:rustc-env=BUILT=1");\n}\n',
  'core-lib/src/lib.rs':
    'pub const DATA: &str = include_str!("../data.txt");\npub const LINKED: &str = include_str!("../linked.txt");\npub fn answer() -> u64 { 385 }\n',
  'core-lib/data.txt': 'data-v1\n',
  'core-lib/impl_a.txt': 'impl-a\n',
  'core-lib/impl_b.txt': 'impl-b\n',
  'core-lib/linked.txt': 'replaced by a link\n',
  '.gitignore': '/target\n',
};

/** Every file below `dir` moved by `ms` (a runner whose clock is off writes every unit so). */
function shiftTimes(dir: string, ms: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) shiftTimes(p, ms);
    else if (entry.isFile()) {
      const t = new Date(Date.now() + ms);
      utimesSync(p, t, t);
    }
  }
}

describe('keep-fresh under attack: every binary runs the committed source (stable, old layout)', () => {
  const s = setting(LAYOUTS[0]!, ATTACK);
  let sha = s.commit({ 'core-lib/linked.txt': 'symlink:impl_a.txt' });

  test('a build script without rerun-if-changed is not rerun by a job that proves every file', async () => {
    const first = await s.job(sha);
    expect(first.compiled).toEqual(['core-lib', 'tool']);
    const again = await s.job(sha);
    expect(again.compiled).toEqual([]);
    expect(again.run()).toBe('385 "data-v1\\n" impl-a');
  });

  test('a tracked link pointed at another tracked file: what it leads to is compiled', async () => {
    sha = s.commit({ 'core-lib/linked.txt': 'symlink:impl_b.txt' });
    const retargeted = await s.job(sha);
    expect(retargeted.compiled).toEqual(['core-lib', 'tool']);
    expect(retargeted.run()).toBe('385 "data-v1\\n" impl-b');
  });

  test('the same blob checked out as other bytes (an eol attribute) is compiled', async () => {
    sha = s.commit({ '.gitattributes': 'core-lib/data.txt text eol=crlf\n' });
    const crlf = await s.job(sha);
    expect(crlf.compiled).toEqual(['core-lib', 'tool']);
    expect(crlf.run()).toBe('385 "data-v1\\r\\n" impl-b');
  });

  test('a later step that writes new content with an old time (cp -p) is never described', async () => {
    const old = new Date('2001-01-01T00:00:00Z');
    const copy = (dir: string) => {
      writeFileSync(path.join(dir, 'core-lib/impl_b.txt'), 'impl-c\n');
      utimesSync(path.join(dir, 'core-lib/impl_b.txt'), old, old);
    };
    // The job compiles a changed crate, so its post step replaces the entry (with the manifest).
    sha = s.commit({ 'tool/src/main.rs': `${ATTACK['tool/src/main.rs']}// v2\n` });
    await s.job(sha, { between: copy });
    sha = s.commit({ 'core-lib/impl_b.txt': 'impl-c\n' });
    const next = await s.job(sha);
    expect(next.compiled).toEqual(['core-lib', 'tool']);
    expect(next.run()).toBe('385 "data-v1\\r\\n" impl-c');
  });

  test('an edit hidden from git (assume-unchanged) is compiled, and never described', async () => {
    const hide = (dir: string) => {
      writeFileSync(path.join(dir, 'core-lib/data.txt'), 'edited\n');
      git(dir, 'update-index', '--assume-unchanged', 'core-lib/data.txt');
    };
    const hidden = await s.job(sha, { before: hide });
    expect(hidden.compiled).toEqual(['core-lib', 'tool']);
    expect(hidden.run()).toBe('385 "edited\\n" impl-c');
    const clean = await s.job(sha);
    expect(clean.run()).toBe('385 "data-v1\\r\\n" impl-c');
  });

  test('a tracked directory replaced by a link out of the checkout: no time is set there, nothing is proven', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'wm-outside-'));
    const old = new Date('2003-03-03T00:00:00Z');
    const swap = (dir: string) => {
      writeFileSync(path.join(outside, 'main.rs'), readFileSync(path.join(dir, 'tool/src/main.rs')));
      utimesSync(path.join(outside, 'main.rs'), old, old);
      rmSync(path.join(dir, 'tool/src'), { recursive: true });
      symlinkSync(outside, path.join(dir, 'tool/src'));
    };
    const swapped = await s.job(sha, { before: swap });
    expect(swapped.main.stdout).toMatch(
      /proves nothing unchanged this time: tool\/src\/main\.rs is reached through a symbolic link/,
    );
    expect(statSync(path.join(outside, 'main.rs')).mtime).toEqual(old);
    expect(swapped.compiled).toEqual(['core-lib', 'tool']);
    expect(swapped.run()).toBe('385 "data-v1\\r\\n" impl-c');
  });
});

describe.each(LAYOUTS)('keep-fresh after a runner whose clock was ahead ($name)', (layout) => {
  const s = setting(layout, ATTACK);
  const sha = s.commit({ 'core-lib/linked.txt': 'symlink:impl_a.txt' });

  test('the cache saved 10 minutes in the future proves nothing: the changed crate is compiled', async () => {
    const clock = path.join(mkdtempSync(path.join(os.tmpdir(), 'wm-clock-')), 'ahead.cjs');
    writeFileSync(clock, 'const real = Date.now;\nDate.now = () => real() + 600000;\n');
    const ahead = { NODE_OPTIONS: `--require ${clock}` };
    await s.job(sha, { env: ahead, between: (dir) => shiftTimes(path.join(dir, 'target'), 600_000) });
    const next = await s.job(s.commit({ 'core-lib/data.txt': 'data-v3\n' }));
    expect(next.main.stdout).toMatch(
      /proves nothing unchanged this time: the restored cache has times \d+\.\d s in the future/,
    );
    expect(next.compiled).toEqual(['core-lib', 'tool']);
    expect(next.run()).toBe('385 "data-v3\\n" impl-a');
  });
});

describe('a documentation-only pull request, with the defaults', () => {
  const s = setting(LAYOUTS[0]!);
  const base = git(s.origin, 'rev-parse', 'HEAD');

  test('nothing compiles, and the report says so exactly: unchanged by construction, work +0.00%', async () => {
    await s.job(base);
    const docs = await s.job(s.commit({ 'README.md': '# tool\n\nHow to use it.\n' }), { baseSha: base });
    expect(docs.compiled).toEqual([]);
    expect(docs.main.outputs.verdict).toBe('unchanged');
    expect(docs.main.outputs['verdict-reason']).toBe('');
    expect(docs.main.outputs['work-change-percent']).toBe('0.00');
    expect(docs.main.summary).toMatch(
      /^### ✅ Watchmaker: dev build took [\d.]+ s(?: instead of the baseline's [\d.]+ s)?: nothing it compiles changed \(3 of 3 crates fresh from the cache\)$/m,
    );
    expect(docs.main.summary).toMatch(
      /\*\*Verdict: unchanged\.\*\* No crate this build covers changed: 3 of 3 crates fresh from the cache/,
    );
    expect(docs.run()).toBe('tool-v1 385 data-v1 stamp-v1');
  });
});

// The cleaner keeps whole units: a binary member (or an example) that was fresh in a saving
// job, which cargo names only by its uplifted hard link, keeps its fingerprint, dep-info and
// build-script directories, so the next build compiles nothing. Real cargo builds, in both
// build-dir layouts.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanTargetDir } from '../../src/cache/clean.js';
import { writeTree } from '../helpers/fixtures.js';
import { LAYOUTS } from '../helpers/layouts.js';

/** The artifacts cargo reports, as the action collects them (filenames, executables, build-script out dirs). */
function artifactsOf(jsonLines: string): { artifacts: string[]; freshBins: string[] } {
  const artifacts: string[] = [];
  const freshBins: string[] = [];
  for (const line of jsonLines.split('\n').filter((l) => l.startsWith('{'))) {
    const m = JSON.parse(line) as {
      reason: string;
      filenames?: string[];
      executable?: string | null;
      out_dir?: string;
      fresh?: boolean;
      target?: { kind: string[]; name: string };
      profile?: { test: boolean };
    };
    artifacts.push(
      ...(m.filenames ?? []),
      ...(m.executable ? [m.executable] : []),
      ...(m.reason === 'build-script-executed' && m.out_dir ? [m.out_dir] : []),
    );
    if (
      m.reason === 'compiler-artifact' &&
      m.fresh &&
      !m.profile?.test &&
      ['bin', 'example'].includes(m.target!.kind[0]!)
    )
      freshBins.push(m.target!.name);
  }
  return { artifacts, freshBins };
}

describe.each(LAYOUTS)('$name', ({ env: layoutEnv }) => {
  const workspace = writeTree({
    'Cargo.toml': '[workspace]\nmembers = ["app", "core_lib"]\nresolver = "2"\n',
    'app/Cargo.toml': '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n',
    'app/build.rs': 'fn main() { println!("cargo:rustc-env=STAMP=1"); }\n',
    'app/src/main.rs': 'fn main() { println!("{}", env!("STAMP")); }\n',
    // In the old layout, example units live in examples/ beside their uplifted outputs.
    'app/examples/demo.rs': 'fn main() { println!("demo"); }\n',
    'core_lib/Cargo.toml': '[package]\nname = "core_lib"\nversion = "0.1.0"\nedition = "2021"\n',
    'core_lib/src/lib.rs': 'pub fn f() -> u32 { 1 }\n',
  });
  const env: NodeJS.ProcessEnv = { ...process.env, ...layoutEnv, CARGO_INCREMENTAL: '1' };
  for (const name of [
    'RUSTFLAGS',
    'CARGO_ENCODED_RUSTFLAGS',
    'CARGO_TARGET_DIR',
    'CARGO_BUILD_TARGET_DIR',
    'CARGO_BUILD_BUILD_DIR',
  ])
    delete env[name];
  const cargo = (...args: string[]) => spawnSync('cargo', args, { cwd: workspace, env, encoding: 'utf8' });

  test('a fresh binary keeps every file of its unit: the next build compiles nothing', async () => {
    expect(cargo('build', '--offline', '--all-targets').status).toBe(0);
    // The cache was restored after the first build; then only the library changes.
    await new Promise((r) => setTimeout(r, 50));
    const restoredAtMs = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    writeFileSync(path.join(workspace, 'core_lib/src/lib.rs'), 'pub fn f() -> u32 { 2 }\n');
    const second = cargo('build', '--offline', '--all-targets', '--message-format=json');
    expect(second.status).toBe(0);
    const { artifacts, freshBins } = artifactsOf(second.stdout);
    expect(freshBins.sort()).toEqual(['app', 'demo']);

    const target = path.join(workspace, 'target');
    const cleaned = cleanTargetDir({
      targetDir: target,
      profileDirs: ['debug'],
      artifacts,
      restoredAtMs,
      members: new Set(['app', 'core_lib']),
      keepMembers: true,
      places: {
        workspaceRoot: workspace,
        checkout: workspace,
        home: null,
        cargoHome: path.join(workspace, 'no-cargo-home'),
      },
      lockedPackages: null,
      deleteFiles: true,
    });
    expect(cleaned.skipped).toBeNull();
    expect(cleaned.removed.map((r) => r.path)).toContain('debug/incremental');
    expect(existsSync(path.join(target, 'debug/incremental'))).toBe(false);

    const third = cargo('build', '--offline', '--all-targets', '-v');
    expect(third.status).toBe(0);
    expect(third.stderr).toMatch(/Fresh app v0\.1\.0/);
    expect(third.stderr).toMatch(/Fresh core_lib v0\.1\.0/);
    expect(third.stderr).not.toMatch(/Compiling|Running/);
    // The binary is back in place (cargo links it again from its unit).
    expect(execFileSync(path.join(target, 'debug/app'), { encoding: 'utf8' })).toBe('1\n');
    expect(execFileSync(path.join(target, 'debug/examples/demo'), { encoding: 'utf8' })).toBe('demo\n');
  });
});

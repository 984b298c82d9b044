// The report on the pull requests teams open every day, with the defaults (keep-fresh on,
// baseline: auto, compile-work on), through dist/ as GitHub runs it, on the most common layout
// with a local crate that is not a workspace member: a root [package] with a path dependency and
// no [workspace] table. Two pushes to the default branch (the second leaves `gen` fresh, so its
// base time exists only where the base commit is rebuilt), then four pull requests on it:
// documentation only, a much slower `gen`, new instantiations of gen's generic function, and a
// build that fails. The cache is the local backend and the comment is off (helpers/checkouts.ts):
// both have their own tests; the job summary carries the comment's Markdown.
import { setting } from '../helpers/checkouts.js';
import { git } from '../helpers/fixtures.js';

/** `table` is generic: every type it is used with gets its own copy of it (and of what it calls). */
const TABLE =
  '/// One row per value, formatted.\npub fn table<T: Copy + std::fmt::Debug + Into<f64>>(xs: &[T]) -> Vec<String> {\n    xs.iter().map(|x| format!("{:?}={:.1}", x, (*x).into() * 2.0)).collect()\n}\n';

/** 160 types, each used with `table`: gen takes many times longer to compile. */
const SLOW_GEN = `${TABLE}macro_rules! kinds {
    ($($k:ident),*) => {
        $(
            #[derive(Clone, Copy, Debug)]
            pub struct $k(pub u32);
            impl From<$k> for f64 { fn from(k: $k) -> f64 { k.0 as f64 } }
        )*
        pub fn describe() -> String { let mut n = 0; $( n += table(&[$k(1), $k(2)]).len(); )* format!("gen-slow {}", n) }
    };
}
kinds!(${Array.from({ length: 160 }, (_, i) => `K${i}`).join(', ')});
`;

const FILES = {
  'Cargo.toml':
    '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ngen = { path = "gen" }\n',
  'src/main.rs': 'fn main() {\n    println!("app-v1 {}", gen::describe());\n}\n',
  'gen/Cargo.toml': '[package]\nname = "gen"\nversion = "0.1.0"\nedition = "2021"\n',
  'gen/src/lib.rs': `${TABLE}pub fn describe() -> String { table(&[1u32]).join(",") }\n`,
  '.gitignore': '/target\n',
};

describe('the report on ordinary pull requests, with the defaults (root package with a path crate)', () => {
  const s = setting(FILES, {}, 'app');
  const first = git(s.origin, 'rev-parse', 'HEAD');
  let base = '';
  /** A pull request's head: one commit on the base (origin's main is set back to the base first). */
  const pr = (files: Record<string, string>) => {
    git(s.origin, 'reset', '-q', '--hard', base);
    return s.commit(files);
  };

  test('two pushes: the second compiles only app, and gen stays fresh from the cache', async () => {
    const cold = await s.job(first);
    expect(cold.compiled).toEqual(['app', 'gen']);
    base = s.commit({ 'src/main.rs': FILES['src/main.rs'].replace('app-v1', 'app-v2') });
    const push = await s.job(base);
    expect(push.compiled).toEqual(['app']);
    expect(push.main.summary).toContain('Your crates compiled: app; fresh from the cache: gen.');
    expect(push.log).not.toMatch(/stale/);
    expect(push.run()).toBe('app-v2 1=2.0');
  });

  test('documentation only: unchanged, exactly, and the headline leads with what the cache saved', async () => {
    const docs = await s.job(pr({ 'README.md': '# app\n\nHow to use it.\n' }), { baseSha: base });
    expect(docs.compiled).toEqual([]);
    expect(docs.main.outputs.verdict).toBe('unchanged');
    expect(docs.main.outputs['work-change-percent']).toBe('0.00');
    expect(docs.main.summary).toMatch(
      /^### ✅ Watchmaker: dev build took [\d.]+ s(?: instead of the baseline's [\d.]+ s)?: nothing it compiles changed \(2 of 2 crates fresh from the cache\)$/m,
    );
    expect(docs.main.summary).not.toMatch(/inconclusive|n\/a/);
  });

  // The path taken, not the measured outcome (the verdict machinery is unit-tested with controlled samples).
  test('gen, a path crate, compiles much slower: gen compared with its recorded time, and the base rebuilt', async () => {
    const slow = await s.job(pr({ 'gen/src/lib.rs': SLOW_GEN }), { baseSha: base });
    expect(slow.compiled).toEqual(['app', 'gen']);
    const summary = slow.main.summary;
    expect(summary).toContain(`**Verdict: ${slow.main.outputs.verdict}.**`);
    const change = Number(slow.main.outputs['change-percent']);
    expect(summary).toMatch(/^### \S+ Watchmaker: dev build /m);
    expect(summary.split('\n').find((l) => l.startsWith('### '))).toContain(
      `${change >= 0 ? '+' : ''}${change.toFixed(1)}% CPU time`,
    );
    expect(summary).toMatch(/^\| gen \| [\d.]+ s \| [\d.]+ s \| [+-][\d.]+% \| [^|]+ \|$/m);
    // The cached baseline found gen fresh: its base time is the one recorded when the first push
    // compiled the same inputs; one sample per side claims nothing, so auto rebuilds the base to confirm.
    expect(summary).toMatch(
      /gen was fresh in the baseline's run, so its base time is the one recorded when the default branch last compiled the same inputs \\\(\w{7}\\\)/,
    );
    expect(summary).toMatch(/so the base commit was rebuilt here to confirm/);
    // A crate the pull request changed and compiled is never called a stale cache.
    expect(slow.log).not.toMatch(/stale/);
    expect(slow.run()).toBe('app-v2 gen-slow 320');
  });

  test("new instantiations of gen's generic function: compile work names it first, before the std functions", async () => {
    const main =
      'fn main() {\n    let rows = gen::table(&[1u8, 2]).len() + gen::table(&[3u16]).len() + gen::table(&[1.5f32]).len();\n    println!("app-v3 {} {}", gen::describe(), rows);\n}\n';
    const more = await s.job(pr({ 'src/main.rs': main }), { baseSha: base });
    expect(more.compiled).toEqual(['app']);
    const summary = more.main.summary;
    expect(summary).toMatch(/compile work grew by [\d,]+ bytes of machine code \(\+[\d.]+%\)/);
    const yours = summary.indexOf('Your functions whose copies or bytes changed');
    const table = summary.indexOf('- `gen::table`: 0 → 3 copies');
    expect(yours).toBeGreaterThan(-1);
    expect(table).toBeGreaterThan(yours);
    const others = summary.indexOf('In dependencies and the standard library');
    if (others > -1) expect(table).toBeLessThan(others);
    expect(more.run()).toBe('app-v3 1=2.0 4');
  });

  test("a build that fails: cargo's first error in the report, its crate named, no claim the cache result contradicts", async () => {
    const broken = await s.job(pr({ 'gen/src/lib.rs': `${TABLE}pub fn describe() -> String { table(&[1u32]) }\n` }), {
      baseSha: base,
      mayFail: true,
    });
    expect(broken.main.exitCode).not.toBe(0);
    expect(broken.main.outputs.verdict).toBe('build-failed');
    const summary = broken.main.summary;
    expect(summary).toMatch(/^### ❌ Watchmaker: dev build failed after [\d.]+ s, in gen$/m);
    expect(summary).toMatch(/Cargo's first error, in `gen`:\n\n```\nerror\[E0308\]: mismatched types/);
    expect(summary).toContain('Your crates compiled before cargo stopped: none; failed: gen.');
    expect(summary).not.toMatch(/fresh from the cache|Units: 0 compiled/);
  });
});

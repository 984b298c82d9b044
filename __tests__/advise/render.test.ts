// The advice in words, from controlled samples: the table (a cell per metric with its numbers,
// "no measurable effect", "not measured"), the Cargo.toml of the settings that won with what each
// costs, the log's lines, and repository text escaped for Markdown.
import { assembleAdvice, type Advice } from '../../src/advise/advice.js';
import { candidatesFor } from '../../src/advise/candidates.js';
import { goalsOf } from '../../src/advise/judge.js';
import type { Samples } from '../../src/advise/model.js';
import { renderMarkdown, renderText } from '../../src/advise/render.js';
import { resolveProfileSettings } from '../../src/cache/profile.js';

const base: Samples = {
  cold: [20, 20.4, 19.8, 20.1, 20.2],
  coldCpu: [38, 38.5, 37.9, 38.2, 38.1],
  warm: [4, 4.05, 3.98, 4.02, 4.01],
  memory: [512_000, 514_000, 511_000, 513_000, 512_500],
  size: Array(5).fill(8_000_000) as number[],
  runtime: [],
};

function advice(profile = 'dev', edit = { crate: 'app', file: 'crates/app/src/main.rs' }): Advice {
  const effective = resolveProfileSettings('dev', { manifest: null, cargoConfig: [], env: {} });
  const { candidates, skipped } = candidatesFor({
    profile,
    kind: 'dev',
    effective,
    triple: 'x86_64-unknown-linux-gnu',
    hasDependencies: false,
    env: {},
    rustflags: [],
  });
  const by = (id: string) => candidates.find((c) => c.id === id)!;
  return assembleAdvice({
    createdAt: '2026-05-01T00:00:00.000Z',
    profile,
    kind: 'dev',
    commit: 'a'.repeat(40),
    goals: goalsOf('dev', false),
    rounds: 5,
    seconds: 600,
    budgetSeconds: 1200,
    edit,
    run: null,
    current: { samples: base },
    measured: [
      {
        candidate: by('debug-line-tables-only'),
        samples: { ...base, warm: [3.2, 3.25, 3.18, 3.22, 3.21] },
        problem: null,
      },
      { candidate: by('codegen-units-16'), samples: base, problem: null },
      { candidate: by('incremental-false'), samples: { ...base, warm: [6, 6.1, 5.9, 6, 6.05] }, problem: null },
      {
        candidate: by('debug-0'),
        samples: { ...base, cold: [20], warm: [] },
        problem: 'its cold build failed (exit code 101)',
      },
    ],
    skipped,
    notes: ['Rounds stopped at the most rounds asked for (5).'],
  });
}

describe('the Markdown', () => {
  const md = renderMarkdown(advice());
  const row = (label: string) => md.split('\n').find((l) => l.startsWith(`| \`${label}\` |`));

  test('a table with the current settings and a row per candidate', () => {
    expect(md).toContain(
      '| candidate | cold build | cold build CPU | warm rebuild | peak memory | size | runtime | verdict |',
    );
    expect(md).toContain('| current settings | 20.1 s | 38.1 s | 4.01 s | 500 MiB | 7.6 MiB | not measured | |');
    expect(row('debug = "line-tables-only"')).toBe(
      '| `debug = "line-tables-only"` | no measurable effect | no measurable effect | −20.0% (4.01 s → 3.21 s) | no measurable effect | no measurable effect | not measured | **recommended: −20.0% warm rebuild** |',
    );
    expect(row('codegen-units = 16')).toMatch(/\| no measurable effect \| not measured \| no measurable effect \|$/);
    expect(row('incremental = false')).toMatch(/\| \+49\.6% \(4\.01 s → 6\.00 s\) \|.*\| worse: warm rebuild \|$/);
    expect(row('debug = 0')).toMatch(/\| not measured: its cold build failed \(exit code 101\) \|$/);
  });

  test('the winning settings as Cargo.toml, with what each buys and costs', () => {
    expect(md).toContain('```toml\n[profile.dev]\ndebug = "line-tables-only"\n```');
    expect(md).toContain(
      '- `debug = "line-tables-only"`: cold build no measurable effect; cold build CPU no measurable effect; −20.0% warm rebuild (4.01 s → 3.21 s); peak memory no measurable effect; size no measurable effect; runtime not measured. Gives up: debuggers show no variables or types; backtraces keep files and lines.',
    );
    expect(md).toContain(
      'Not measured: `[profile.dev.package."*"] opt-level = 1` (the workspace has no dependencies from a registry or git).',
    );
  });

  test('nothing won: no Cargo.toml, and the current settings stay', () => {
    const none = advice();
    none.candidates = none.candidates.map((c) => ({ ...c, verdict: c.verdict === 'win' ? 'no-effect' : c.verdict }));
    none.adopt = { settings: [], toml: null, leftOut: [] };
    const text = renderMarkdown(none);
    expect(text).not.toContain('```toml');
    expect(text).toContain('No candidate is recommended');
  });

  test('repository text is escaped: the profile, the edited crate and file', () => {
    const md2 = renderMarkdown(advice('ci_*x*', { crate: 'a_b<script>', file: 'src/[x](y).rs' }));
    expect(md2).toContain('### Profile advice: ci\\_\\*x\\*');
    expect(md2).toContain('a\\_b&lt;script&gt; (src/\\[x\\]\\(y\\).rs)');
    expect(md2).not.toContain('<script>');
  });
});

describe('the log', () => {
  test('a line per candidate, the skipped levers, and the settings to adopt', () => {
    const lines = renderText(advice());
    expect(lines[0]).toBe("Watchmaker: profile advice for 'dev' (5 rounds; goal: warm rebuild, then cold build):");
    expect(lines).toContain(
      '  debug = "line-tables-only": recommended: −20.0% warm rebuild [cold build no measurable effect, cold build CPU no measurable effect, warm rebuild −20.0% (4.01 s → 3.21 s), peak memory no measurable effect, size no measurable effect, runtime not measured]',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        '  Recommended Cargo.toml settings:',
        '    [profile.dev]',
        '    debug = "line-tables-only"',
      ]),
    );
  });
});

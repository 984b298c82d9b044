// End to end: repository code run by the build (build scripts, proc macros) never sees the
// job's secrets, and text from the repository (a build script's output, a cargo config value)
// never becomes a workflow command in the step's log.
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Job, parseAnnotations, parseWorkflowCommands, type StepResult } from '../helpers/action-runner.js';
import { smallWorkspace, writeTree } from '../helpers/fixtures.js';

const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

// Writes every variable the process sees to <dir>/<file>, one `NAME<TAB>hex(value)` line each.
const DUMP_FN = [
  'fn dump_env(file: &str) {',
  '    let Some(dir) = std::env::var_os("WM_ENV_DUMP") else { return };',
  '    let mut out = String::new();',
  '    for (name, value) in std::env::vars_os() {',
  '        out.push_str(&name.to_string_lossy());',
  "        out.push('\\t');",
  '        for b in value.as_encoded_bytes() {',
  '            out.push_str(&format!("{:02x}", b));',
  '        }',
  "        out.push('\\n');",
  '    }',
  '    std::fs::write(std::path::Path::new(&dir).join(file), out).expect("write the env dump");',
  '}',
  '',
].join('\n');

/** A workspace whose build script and proc macro (a workspace member) dump their environment. */
function dumpingWorkspace(): string {
  return writeTree({
    'Cargo.toml': '[workspace]\nmembers = ["app", "dumpmacro"]\nresolver = "2"\n',
    'dumpmacro/Cargo.toml':
      '[package]\nname = "dumpmacro"\nversion = "0.1.0"\nedition = "2021"\n\n[lib]\nproc-macro = true\n',
    'dumpmacro/src/lib.rs': `extern crate proc_macro;\n\nuse proc_macro::TokenStream;\n\n${DUMP_FN}\n#[proc_macro]\npub fn dump_env_here(_input: TokenStream) -> TokenStream {\n    dump_env("proc-macro.env");\n    TokenStream::new()\n}\n`,
    'app/Cargo.toml':
      '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n\n[dependencies]\ndumpmacro = { path = "../dumpmacro" }\n',
    'app/build.rs': `${DUMP_FN}\nfn main() {\n    println!("cargo:rerun-if-env-changed=WM_ENV_DUMP");\n    dump_env("build-script.env");\n}\n`,
    'app/src/main.rs': 'dumpmacro::dump_env_here!();\n\nfn main() {\n    println!("built");\n}\n',
  });
}

function readDump(file: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const [name, hex] = line.split('\t') as [string, string];
    vars.set(name, Buffer.from(hex, 'hex').toString('utf8'));
  }
  return vars;
}

const SECRETS = {
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-value-8f3a',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results-service/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token-value-51c2',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/oidc',
  STATE_x: 'state-value-77aa',
};

describe("the build's environment", () => {
  async function runWith(inputs: Record<string, string> = {}) {
    const dumpDir = tmp('wm-env-dump-');
    const job = new Job({
      workspace: dumpingWorkspace(),
      inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': tmp('wm-secrets-cache-'), ...inputs },
      env: { WM_ENV_DUMP: dumpDir, CARGO_HOME: tmp('wm-secrets-cargo-home-'), ...SECRETS },
    });
    const main = await job.main();
    return {
      job,
      main,
      buildScript: readDump(path.join(dumpDir, 'build-script.env')),
      procMacro: readDump(path.join(dumpDir, 'proc-macro.env')),
    };
  }

  test('build scripts and proc macros see no INPUT_*, STATE_* or ACTIONS_* variable and no token', async () => {
    const { job, main, buildScript, procMacro } = await runWith();
    expect(main.exitCode).toBe(0);
    for (const [who, vars] of [
      ['build script', buildScript],
      ['proc macro', procMacro],
    ] as const) {
      // The dump really is the build's environment.
      expect({ who, dump: vars.has('WM_ENV_DUMP'), pkg: vars.get('CARGO_PKG_NAME') }).toEqual({
        who,
        dump: true,
        pkg: 'app',
      });
      expect({ who, leaked: [...vars.keys()].filter((n) => /^(INPUT_|STATE_|ACTIONS_)/i.test(n)) }).toEqual({
        who,
        leaked: [],
      });
      const values = [...vars.values()].join('\n');
      for (const secret of [job.token, ...Object.values(SECRETS)])
        expect({ who, secret, seen: values.includes(secret) }).toEqual({ who, secret, seen: false });
    }
  });

  test('pass-env lets the one named variable through, and nothing else', async () => {
    const { job, main, buildScript, procMacro } = await runWith({ 'pass-env': 'ACTIONS_ID_TOKEN_REQUEST_TOKEN' });
    expect(main.exitCode).toBe(0);
    for (const vars of [buildScript, procMacro]) {
      expect(vars.get('ACTIONS_ID_TOKEN_REQUEST_TOKEN')).toBe(SECRETS.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
      expect([...vars.keys()].filter((n) => /^(INPUT_|STATE_|ACTIONS_)/i.test(n))).toEqual([
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
      ]);
      expect([...vars.values()].join('\n')).not.toContain(job.token);
    }
  });
});

/** The step's stdout as the runner would read it without the action's stop-commands bracket. */
function withoutStopCommands(stdout: string): string {
  const tokens = [...stdout.matchAll(/^::stop-commands::(.+)$/gm)].map((m) => m[1]!.trim());
  return stdout
    .split('\n')
    .filter((l) => !l.startsWith('::stop-commands::') && !tokens.some((t) => l.trim() === `::${t}::`))
    .join('\n');
}

const mentions = (result: StepResult, word: string) =>
  result.annotations.filter(
    (a) => a.message.includes(word) || Object.values(a.properties).some((v) => v.includes(word)),
  );

describe('workflow-command injection', () => {
  test("a failing build script's output (echoed by cargo) is not read as commands", async () => {
    const workspace = smallWorkspace({
      'gen/build.rs': [
        'fn main() {',
        '    println!("::error file=x::pwned");',
        '    println!("::set-output name=verdict::pwned");',
        '    println!("::set-output name=injected-output::pwned");',
        '    println!("::save-state name=injected-state::pwned");',
        '    println!("  ::warning::pwned-indented");',
        '    println!("##[error]pwned-legacy");',
        '    eprintln!("::error::pwned-stderr");',
        '    std::process::exit(1);',
        '}',
        '',
      ].join('\n'),
    });
    const job = new Job({
      workspace,
      inputs: { cache: 'false', 'cache-backend': 'local', 'cache-dir': tmp('wm-inject-cache-') },
      env: { CARGO_HOME: tmp('wm-inject-cargo-home-') },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    // The lines did reach the log (cargo shows a failing build script's output)...
    expect(main.stdout).toContain('::error file=x::pwned');
    expect(main.stdout).toContain('::set-output name=injected-output::pwned');
    // ...and only the stop-commands bracket keeps the runner from acting on them.
    expect(parseAnnotations(withoutStopCommands(main.stdout)).some((a) => a.message === 'pwned')).toBe(true);

    expect(mentions(main, 'pwned')).toEqual([]);
    expect(main.annotations.some((a) => a.level === 'error' && a.message.includes('failed with exit code'))).toBe(true);
    expect(main.outputs.verdict).toBe('build-failed');
    expect(main.outputs['injected-output']).toBeUndefined();
    expect(Object.values(main.outputs).filter((v) => v.includes('pwned'))).toEqual([]);
    expect(main.state['injected-state']).toBeUndefined();
    // Command processing is back on after the build: the action's own annotations still work.
    expect(parseWorkflowCommands(main.stdout).some((c) => c.name === 'error')).toBe(true);

    const post = await job.post();
    expect(post.exitCode).toBe(0);
    expect(mentions(post, 'pwned')).toEqual([]);
  });

  test.each([
    ['a newline and a ::error:: line', '--cfg=a\\n::error::injected'],
    ['a newline and an indented ::error:: line', '--cfg=a\\n   ::error::injected'],
    ['a carriage return and a ::error:: line', '--cfg=a\\r::error::injected'],
    ['a legacy ##[error] command', '--cfg=a ##[error]injected'],
  ])('a rustflags value with %s in .cargo/config.toml makes no annotation', async (_what, value) => {
    const workspace = smallWorkspace({ '.cargo/config.toml': `[build]\nrustflags = ["${value}"]\n` });
    const job = new Job({
      workspace,
      inputs: { guard: 'warn', cache: 'false', 'cache-backend': 'local', 'cache-dir': tmp('wm-inject-cache-') },
      env: { CARGO_HOME: tmp('wm-inject-cargo-home-') },
    });
    const main = await job.main();
    expect(mentions(main, 'injected')).toEqual([]);
    // The guard did read the flag and log it, as text on one line.
    expect(main.stdout).toMatch(/^flags: --cfg=a .*injected/m);
    expect(Object.values(main.outputs).filter((v) => v.includes('injected'))).toEqual([]);
    const post = await job.post();
    expect(mentions(post, 'injected')).toEqual([]);
    expect(post.exitCode).toBe(0);
  });
});

test('a Cargo.toml error that quotes repository text is not read as a command', async () => {
  // Cargo quotes the offending line of a manifest it cannot parse; the action shows cargo's complaint.
  const workspace = writeTree({
    'Cargo.toml': '[package]\nname = "x"\nversion = ##[error]injected-manifest\n',
    'src/main.rs': 'fn main() {}\n',
  });
  for (const inputs of [{}, { cache: 'false' }] as Array<Record<string, string>>) {
    const job = new Job({
      workspace,
      inputs: { 'cache-backend': 'local', 'cache-dir': tmp('wm-inject-cache-'), ...inputs },
      env: { CARGO_HOME: tmp('wm-inject-cargo-home-') },
    });
    const main = await job.main();
    expect(main.exitCode).toBe(1);
    expect(main.stdout).toContain('injected-manifest');
    expect(main.annotations.filter((a) => a.level === 'error' && a.message.startsWith('injected-manifest'))).toEqual(
      [],
    );
    expect(main.annotations.filter((a) => a.level === 'error')).toHaveLength(1);
  }
});

describe('the test harness reads workflow commands as the runner does', () => {
  test('stop-commands suspends everything until the token line', () => {
    const log = [
      '::warning::before',
      '::stop-commands::tok-123',
      '::error::inside',
      '::set-output name=x::inside',
      '##[error]inside-legacy',
      '::stop-commands::other',
      '::TOK-123::',
      '  ::error file=a.rs,line=3::after',
      'text ##[warning]legacy-after',
      '::unknown::not a command',
    ].join('\n');
    expect(parseAnnotations(log)).toEqual([
      { level: 'warning', message: 'before', properties: {} },
      { level: 'error', message: 'after', properties: { file: 'a.rs', line: '3' } },
      { level: 'warning', message: 'legacy-after', properties: {} },
    ]);
    expect(parseWorkflowCommands(log).map((c) => c.name)).toEqual(['warning', 'error', 'warning']);
  });

  test('a lone carriage return ends a line, as in the runner', () => {
    expect(parseAnnotations('text\r::error::after-cr\r\n::warning::w')).toEqual([
      { level: 'error', message: 'after-cr', properties: {} },
      { level: 'warning', message: 'w', properties: {} },
    ]);
  });

  test('an empty stop token never resumes', () => {
    expect(parseAnnotations('::stop-commands::\n::error::x\n::::\n::error::y')).toEqual([]);
  });
});

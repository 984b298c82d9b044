// A short, fixed compile workload: the same embedded Rust source compiled a few times, its CPU time
// recorded. Two runs on different CPU models compare their builds through it (a faster CPU
// compiles the workload faster too). It costs seconds, so it runs only when a comparison needs it
// (report/produce.ts), after the build, and each CPU model's result is carried by the default branch.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capture } from '../proc.js';
import type { Calibration } from '../record.js';

/** Generic code instantiated for several types: work like a real crate's, without dependencies. */
const SOURCE =
  `
use std::collections::BTreeMap;
use std::fmt::Debug;
pub trait Shape: Debug + Clone { fn area(&self) -> f64; fn scale(&self, k: f64) -> Self; }
#[derive(Debug, Clone, PartialEq)] pub struct Circle(pub f64);
#[derive(Debug, Clone, PartialEq)] pub struct Rect(pub f64, pub f64);
#[derive(Debug, Clone, PartialEq)] pub struct Tri(pub f64, pub f64, pub f64);
` +
  // Long Rust lines are split in the JS only: the compiled bytes stay those that recorded calibrations measured.
  'impl Shape for Circle { fn area(&self) -> f64 { 3.14159 * self.0 * self.0 } ' +
  'fn scale(&self, k: f64) -> Self { Circle(self.0 * k) } }\n' +
  'impl Shape for Rect { fn area(&self) -> f64 { self.0 * self.1 } ' +
  'fn scale(&self, k: f64) -> Self { Rect(self.0 * k, self.1 * k) } }\n' +
  'impl Shape for Tri { fn area(&self) -> f64 { let s = (self.0 + self.1 + self.2) / 2.0; ' +
  '(s * (s - self.0) * (s - self.1) * (s - self.2)).sqrt() } ' +
  'fn scale(&self, k: f64) -> Self { Tri(self.0 * k, self.1 * k, self.2 * k) } }\n' +
  `pub fn summary<T: Shape>(items: &[T]) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for (i, s) in items.iter().enumerate() { out.insert(format!("{i}:{s:?}"), s.scale(1.5).area()); }
    out
}
pub fn sorted<T: PartialOrd + Clone + Debug>(mut v: Vec<T>) -> Vec<T> { v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v }
pub fn run() -> usize {
    let a = summary(&[Circle(1.0), Circle(2.0)]).len();
    let b = summary(&[Rect(1.0, 2.0)]).len();
    let c = summary(&[Tri(3.0, 4.0, 5.0)]).len();
    let d = sorted(vec![3u8, 1, 2]).len() + sorted(vec![3i64, 1]).len() + sorted(vec![1.5f32, 0.5]).len();
    let e = sorted(vec![String::from("b"), String::from("a")]).len() + sorted(vec![(1u16, 'a'), (0, 'b')]).len();
    a + b + c + d + e
}
`;

const RUNS = 3;

/**
 * CPU seconds of one `rustc` run, as the measuring wrapper reports them (user + sys from the OS:
 * no shell, no GNU tools), or null when it could not be measured.
 */
async function timedCompile(
  wrapper: string,
  rustc: string,
  dir: string,
  env: NodeJS.ProcessEnv,
): Promise<number | null> {
  const units = path.join(dir, 'units.jsonl');
  rmSync(units, { force: true });
  const args = [
    rustc,
    '--crate-name',
    'calib',
    '--edition',
    '2021',
    '--crate-type',
    'lib',
    '-C',
    'opt-level=1',
    '-C',
    'codegen-units=1',
  ];
  args.push('--emit', 'obj', '-o', path.join(dir, 'calib.o'), path.join(dir, 'calib.rs'));
  const wrapperEnv = { ...env, WATCHMAKER_UNITS_FILE: units, WATCHMAKER_INNER_WRAPPER: '' };
  const r = await capture(wrapper, args, { cwd: dir, env: wrapperEnv }).catch(() => null);
  if (!r || r.code !== 0 || !existsSync(units)) return null;
  const line = JSON.parse(readFileSync(units, 'utf8').trim().split('\n').at(-1) ?? '{}') as {
    user?: number | null;
    sys?: number | null;
  };
  return typeof line.user === 'number' && typeof line.sys === 'number' ? line.user + line.sys : null;
}

/**
 * Runs the workload through the measuring wrapper; null when it cannot be measured here (no wrapper, rustc refused).
 */
export async function calibrate(wrapper: string, rustc: string, env: NodeJS.ProcessEnv): Promise<Calibration | null> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'watchmaker-calibration-'));
  try {
    writeFileSync(path.join(dir, 'calib.rs'), SOURCE);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = await timedCompile(wrapper, rustc, dir, env);
      if (t === null) return null;
      times.push(t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return { cpuSeconds: median, runs: RUNS, spread: median > 0 ? (times.at(-1)! - times[0]!) / median : 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Cargo's `--timings` HTML report, parsed tolerantly. Cargo documents it as "for human
// consumption only", and its data changed across versions (cargo-facts.md §1.5): 1.60–1.92
// `unlocked_*` + `rmeta_time`, 1.93 `unblocked_*`, 1.94 `sections` instead of `rmeta_time`
// and `i` as graph index, 1.95 fresh units as zero rows. Never throws: unknown shapes become
// warnings and null fields.

export interface TimingsUnit {
  /** Unit id used by the unblocked lists (`i`). */
  id: number;
  name: string;
  version: string | null;
  /** Cargo's target description, e.g. "", " build-script (run)", ` app "bin"`. */
  target: string;
  kind: 'lib' | 'bin' | 'build-script' | 'build-script-run' | 'test' | 'example' | 'bench' | 'doc' | 'other';
  start: number;
  duration: number;
  /** Seconds from unit start until its .rmeta was ready (pipelining), when known. */
  rmetaTime: number | null;
  unblocked: number[];
  unblockedRmeta: number[];
  /** False for 1.95's zero rows: fresh units and units that never started. */
  ran: boolean;
}

export interface TimingsSummary {
  profile: string | null;
  freshUnits: number | null;
  dirtyUnits: number | null;
  totalUnits: number | null;
  totalSeconds: number | null;
  rustc: string | null;
  maxConcurrency: string | null;
  buildStart: string | null;
  error: string | null;
}

export interface TimingsReport {
  units: TimingsUnit[];
  summary: TimingsSummary;
  /** [seconds, percent busy] samples. */
  cpuUsage: Array<[number, number]>;
  warnings: string[];
}

/** A `const NAME = [...];` array of the report's script; a problem is added to `warnings`, never hidden. */
function extractArray(html: string, name: string, warnings: string[]): unknown[] | null {
  const re = new RegExp(`^(?:const|let|var) ${name} = (\\[\\]|\\[[\\s\\S]*?^\\]);\\s*$`, 'm');
  const m = re.exec(html);
  if (!m) {
    warnings.push(`no ${name} array found in the timings report`);
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(m[1]!);
    if (Array.isArray(parsed)) return parsed;
    warnings.push(`${name} in the timings report is not an array`);
  } catch (e) {
    warnings.push(`${name} in the timings report is not valid JSON (${(e as Error).message})`);
  }
  return null;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const textOf = (cell: string) => decodeEntities(cell.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '')).trim();

export function unitKind(target: string, mode: string | null): TimingsUnit['kind'] {
  const t = target.toLowerCase();
  if (mode === 'run-custom-build' || /build[- ]script \(run\)/.test(t)) return 'build-script-run';
  if (/build[- ]script/.test(t)) return 'build-script';
  if (t.includes('(test)') || t.includes('(doc test)')) return 'test';
  if (t.includes('(doc)')) return 'doc';
  if (t.includes('"bin"') || /\bbin "/.test(t)) return 'bin';
  if (t.includes('"example"') || /\bexample "/.test(t)) return 'example';
  if (t.includes('"bench"') || /\bbench "/.test(t)) return 'bench';
  if (t.trim() === '' || t.includes('(check)') || t.includes('lib')) return 'lib';
  return 'other';
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const ints = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);

function parseUnit(raw: unknown, position: number, warnings: string[]): TimingsUnit | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const start = num(u.start);
  const duration = num(u.duration);
  if (typeof u.name !== 'string' || start === null || duration === null) {
    if (warnings.length < 5) warnings.push(`UNIT_DATA entry ${position} lacks name/start/duration; skipped`);
    return null;
  }
  let rmetaTime = num(u.rmeta_time);
  if (rmetaTime === null && Array.isArray(u.sections)) {
    for (const section of u.sections) {
      if (Array.isArray(section) && section[0] === 'frontend' && section[1] && typeof section[1] === 'object')
        rmetaTime = num((section[1] as { end?: unknown }).end);
    }
  }
  const target = typeof u.target === 'string' ? u.target : '';
  const mode = typeof u.mode === 'string' ? u.mode : null;
  return {
    id: num(u.i) ?? position,
    name: u.name,
    version: typeof u.version === 'string' && u.version !== 'N/A' ? u.version : null,
    target,
    kind: unitKind(target, mode),
    start,
    duration,
    rmetaTime,
    unblocked: ints(u.unblocked_units ?? u.unlocked_units),
    unblockedRmeta: ints(u.unblocked_rmeta_units ?? u.unlocked_rmeta_units),
    ran: !(start === 0 && duration === 0),
  };
}

function parseSummary(html: string): TimingsSummary {
  const summary: TimingsSummary = {
    profile: null,
    freshUnits: null,
    dirtyUnits: null,
    totalUnits: null,
    totalSeconds: null,
    rustc: null,
    maxConcurrency: null,
    buildStart: null,
    error: null,
  };
  const table = /<table[^>]*summary-table[^>]*>([\s\S]*?)<\/table>/.exec(html)?.[1] ?? html;
  const row = /<td[^>]*>([^<]*?):<\/td>\s*<td[^>]*>([\s\S]*?)<\/td>/g;
  const int = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  for (let m = row.exec(table); m; m = row.exec(table)) {
    const label = m[1]!.trim().toLowerCase();
    const value = textOf(m[2]!);
    if (label === 'profile') summary.profile = value;
    else if (label === 'fresh units') summary.freshUnits = int(value);
    else if (label === 'dirty units') summary.dirtyUnits = int(value);
    else if (label === 'total units') summary.totalUnits = int(value);
    else if (label === 'total time')
      summary.totalSeconds = Number.parseFloat(value) || (value.startsWith('0') ? 0 : null);
    else if (label === 'rustc') summary.rustc = value.split('\n')[0]!.trim();
    else if (label === 'max concurrency') summary.maxConcurrency = value;
    else if (label === 'build start') summary.buildStart = value;
    else if (label === 'error') summary.error = value;
  }
  return summary;
}

export function parseTimingsHtml(html: string): TimingsReport {
  const warnings: string[] = [];
  const rawUnits = extractArray(html, 'UNIT_DATA', warnings);
  const units = (rawUnits ?? []).map((u, i) => parseUnit(u, i, warnings)).filter((u): u is TimingsUnit => u !== null);
  const cpuUsage = (extractArray(html, 'CPU_USAGE', warnings) ?? [])
    .filter((p): p is [number, number] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number')
    .map(([t, pct]) => [t, pct] as [number, number]);
  const summary = parseSummary(html);
  if (summary.totalSeconds === null) warnings.push('no "Total time" in the timings summary');
  return { units, summary, cpuUsage, warnings };
}

/**
 * The chain of units that ended the build last: from the last unit to finish, step back to
 * the unit whose completion (or .rmeta) unblocked it, latest first. Returns seconds from the
 * chain's first start to the build's last finish.
 */
export function criticalPath(units: TimingsUnit[]): { seconds: number; units: TimingsUnit[] } | null {
  const ran = units.filter((u) => u.ran);
  if (ran.length === 0) return null;
  const byId = new Map(ran.map((u) => [u.id, u]));
  const unblockedBy = new Map<number, Array<{ from: TimingsUnit; at: number }>>();
  for (const u of ran) {
    for (const id of u.unblocked)
      (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)!).push({ from: u, at: u.start + u.duration });
    for (const id of u.unblockedRmeta)
      (unblockedBy.get(id) ?? unblockedBy.set(id, []).get(id)!).push({
        from: u,
        at: u.start + (u.rmetaTime ?? u.duration),
      });
  }
  let current = ran.reduce((a, b) => (b.start + b.duration > a.start + a.duration ? b : a));
  const end = current.start + current.duration;
  const chain = [current];
  const seen = new Set([current.id]);
  for (;;) {
    const preds = (unblockedBy.get(current.id) ?? []).filter((p) => byId.has(p.from.id) && !seen.has(p.from.id));
    if (preds.length === 0) break;
    current = preds.reduce((a, b) => (b.at > a.at ? b : a)).from;
    seen.add(current.id);
    chain.unshift(current);
  }
  return { seconds: Math.round((end - chain[0]!.start) * 100) / 100, units: chain };
}

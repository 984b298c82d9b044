// Setting a file's time as exactly as Node allows. Node passes utimes a double of seconds and
// libuv turns it into a timespec (truncated to whole microseconds) or, on Windows, into 100 ns
// ticks; a double near today's date has a step of about 240 ns. Cargo keeps nanoseconds (a build
// script's package fingerprint prints the newest file's time in full), so a time the action set
// once must come back bit for bit the next time: find the double that converts to it. Pure.

const NS_PER_S = 1_000_000_000n;
const FILETIME_EPOCH = 116444736000000000;

const view = new DataView(new ArrayBuffer(8));
/** The next double up (+1) or down (-1) from a positive double. */
function nextDouble(d: number, by: 1n | -1n): number {
  view.setFloat64(0, d);
  view.setBigUint64(0, view.getBigUint64(0) + by);
  return view.getFloat64(0);
}

/** The nanoseconds libuv gives a file for `seconds` (what fs.utimes does with it). */
export function libuvNs(seconds: number, platform: NodeJS.Platform): bigint {
  if (platform === 'win32')
    return (BigInt(Math.trunc(seconds * 10 * 1000 * 1000 + FILETIME_EPOCH)) - BigInt(FILETIME_EPOCH)) * 100n;
  const sec = Math.trunc(seconds);
  const ns = Math.trunc((seconds - sec) * 1e9);
  return BigInt(sec) * NS_PER_S + BigInt(ns - (ns % 1000));
}

/** The seconds to pass to utimes so the file gets `ns`, or the latest earlier time it can get. */
export function utimesSeconds(ns: bigint, platform: NodeJS.Platform = process.platform): number {
  let d = Number(ns / NS_PER_S) + Number(ns % NS_PER_S) / 1e9;
  for (let i = 0; i < 16 && libuvNs(d, platform) > ns; i++) d = nextDouble(d, -1n);
  for (let i = 0; i < 16; i++) {
    const up = nextDouble(d, 1n);
    if (libuvNs(up, platform) > ns) break;
    d = up;
  }
  return d;
}

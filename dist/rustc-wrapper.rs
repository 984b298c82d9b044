//! Watchmaker's RUSTC_WRAPPER. Cargo runs `<wrapper> <rustc> <args...>` for every rustc call;
//! this runs rustc (or the user's own wrapper from WATCHMAKER_INNER_WRAPPER, such as sccache,
//! with rustc after it) with exactly the same arguments, stdin, stdout, stderr and exit status:
//! it adds nothing, so cargo builds the same bytes with and without it. For each compilation it
//! appends one JSON line to $WATCHMAKER_UNITS_FILE: the crate, wall time, CPU time, peak memory.
//! Cargo's probes (no --crate-name, or `___`) run as they are, with no line.
//!
//! Standard library only, plus the OS calls that read a finished child's CPU time and memory
//! (getrusage on Unix; GetProcessTimes and K32GetProcessMemoryInfo on Windows): the runner's own
//! rustc builds it in about a second on Linux, macOS and Windows, and it needs no shell and no
//! GNU tools. It must build with old compilers too (Rust 1.63: no let-else).
//! RUSTC_WRAPPER is not part of cargo's fingerprint, so builds with and without it stay fresh.

use std::env;
use std::ffi::{OsStr, OsString};
use std::fs::OpenOptions;
use std::io::Write;
use std::process::{self, Command, ExitStatus};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What cargo's arguments say about the compilation.
#[derive(Default)]
struct Unit {
    crate_name: Option<OsString>,
    crate_types: Vec<OsString>,
    test: bool,
}

fn unit_of(args: &[OsString]) -> Unit {
    let mut unit = Unit::default();
    let mut prev: Option<&OsStr> = None;
    for arg in args {
        match prev.and_then(OsStr::to_str) {
            Some("--crate-name") => unit.crate_name = Some(arg.clone()),
            Some("--crate-type") => unit.crate_types.push(arg.clone()),
            _ => {}
        }
        if arg == "--test" {
            unit.test = true;
        } else if let Some(kind) = arg.to_str().and_then(|a| a.strip_prefix("--crate-type=")) {
            unit.crate_types.push(kind.into());
        }
        prev = Some(arg);
    }
    unit
}

/// CPU time and peak memory of the finished child.
pub struct Usage {
    user: Duration,
    sys: Duration,
    /// None where the OS did not tell.
    max_rss_kib: Option<u64>,
}

#[cfg(unix)]
mod os {
    use super::Usage;
    use std::os::raw::{c_int, c_long};
    use std::process::Child;
    use std::time::Duration;

    #[repr(C)]
    struct Timeval {
        sec: c_long,
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        usec: i32,
        #[cfg(not(any(target_os = "macos", target_os = "ios")))]
        usec: c_long,
    }

    #[repr(C)]
    struct Rusage {
        utime: Timeval,
        stime: Timeval,
        maxrss: c_long,
        rest: [c_long; 13],
    }

    extern "C" {
        fn getrusage(who: c_int, usage: *mut Rusage) -> c_int;
        fn signal(signum: c_int, handler: usize) -> usize;
        fn raise(signum: c_int) -> c_int;
    }

    const RUSAGE_CHILDREN: c_int = -1;
    /// macOS reports ru_maxrss in bytes, Linux and the BSDs in KiB.
    const RSS_UNIT: u64 = if cfg!(any(target_os = "macos", target_os = "ios")) {
        1024
    } else {
        1
    };

    fn duration(t: &Timeval) -> Duration {
        Duration::from_secs(t.sec.max(0) as u64) + Duration::from_micros(t.usec.max(0) as u64)
    }

    /// The wrapper has one child, already waited for: its usage is all of RUSAGE_CHILDREN.
    pub fn usage(_child: &Child) -> Option<Usage> {
        // SAFETY: getrusage fills the struct, laid out as the C library declares it.
        let mut ru: Rusage = unsafe { std::mem::zeroed() };
        if unsafe { getrusage(RUSAGE_CHILDREN, &mut ru) } != 0 {
            return None;
        }
        Some(Usage {
            user: duration(&ru.utime),
            sys: duration(&ru.stime),
            max_rss_kib: Some(ru.maxrss.max(0) as u64 / RSS_UNIT),
        })
    }

    /// Ends this process the way rustc ended: a signal is raised again, so cargo sees the same.
    pub fn exit_like(status: std::process::ExitStatus) -> ! {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            // SAFETY: restoring the default action and raising a signal in this process.
            unsafe {
                signal(sig, 0);
                raise(sig);
            }
        }
        std::process::exit(super::exit_code(status))
    }

    pub fn signal_code(status: std::process::ExitStatus) -> Option<i32> {
        use std::os::unix::process::ExitStatusExt;
        status.signal().map(|s| 128 + s)
    }

    /// Probes pass straight through: rustc replaces the wrapper.
    pub fn pass_through(mut cmd: std::process::Command) -> ! {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        super::cannot_run(&cmd, &e)
    }

    pub fn bytes(s: &std::ffi::OsStr) -> Vec<u8> {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().to_vec()
    }
}

#[cfg(windows)]
mod os {
    use super::Usage;
    use std::ffi::c_void;
    use std::os::windows::io::AsRawHandle;
    use std::process::Child;
    use std::time::Duration;

    #[repr(C)]
    #[derive(Default)]
    struct FileTime {
        low: u32,
        high: u32,
    }

    #[repr(C)]
    #[derive(Default)]
    struct MemoryCounters {
        cb: u32,
        page_fault_count: u32,
        peak_working_set_size: usize,
        rest: [usize; 7],
    }

    #[link(name = "kernel32")]
    extern "system" {
        fn GetProcessTimes(
            process: *mut c_void,
            creation: *mut FileTime,
            exit: *mut FileTime,
            kernel: *mut FileTime,
            user: *mut FileTime,
        ) -> i32;
        fn K32GetProcessMemoryInfo(
            process: *mut c_void,
            counters: *mut MemoryCounters,
            cb: u32,
        ) -> i32;
    }

    /// FILETIME counts 100-nanosecond ticks.
    fn duration(t: &FileTime) -> Duration {
        let ticks = (u64::from(t.high) << 32) | u64::from(t.low);
        Duration::from_nanos(ticks.saturating_mul(100))
    }

    pub fn usage(child: &Child) -> Option<Usage> {
        let handle = child.as_raw_handle() as *mut c_void;
        let (mut created, mut exited, mut kernel, mut user) = (
            FileTime::default(),
            FileTime::default(),
            FileTime::default(),
            FileTime::default(),
        );
        let mut memory = MemoryCounters {
            cb: std::mem::size_of::<MemoryCounters>() as u32,
            ..Default::default()
        };
        // SAFETY: the handle is the child's, open until `child` drops; the structs are Win32's.
        unsafe {
            if GetProcessTimes(handle, &mut created, &mut exited, &mut kernel, &mut user) == 0 {
                return None;
            }
            let known = K32GetProcessMemoryInfo(handle, &mut memory, memory.cb) != 0
                && memory.peak_working_set_size > 0;
            let rss = if known {
                Some(memory.peak_working_set_size as u64 / 1024)
            } else {
                None
            };
            Some(Usage {
                user: duration(&user),
                sys: duration(&kernel),
                max_rss_kib: rss,
            })
        }
    }

    pub fn exit_like(status: std::process::ExitStatus) -> ! {
        std::process::exit(super::exit_code(status))
    }

    pub fn signal_code(_status: std::process::ExitStatus) -> Option<i32> {
        None
    }

    pub fn pass_through(mut cmd: std::process::Command) -> ! {
        match cmd.status() {
            Ok(status) => exit_like(status),
            Err(e) => super::cannot_run(&cmd, &e),
        }
    }

    pub fn bytes(s: &std::ffi::OsStr) -> Vec<u8> {
        s.to_string_lossy().into_owned().into_bytes()
    }
}

fn exit_code(status: ExitStatus) -> i32 {
    status
        .code()
        .or_else(|| os::signal_code(status))
        .unwrap_or(1)
}

fn cannot_run(cmd: &Command, e: &std::io::Error) -> ! {
    eprintln!(
        "watchmaker rustc wrapper: could not run {:?}: {}",
        cmd.get_program(),
        e
    );
    process::exit(127)
}

/// A JSON string's contents: `\`, `"` and every control character escaped; other bytes as they are.
fn json_escape(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            0..=31 | 127 => out.extend_from_slice(format!("\\u{:04x}", b).as_bytes()),
            _ => out.push(b),
        }
    }
}

fn string_field(out: &mut Vec<u8>, name: &str, value: &[u8]) {
    out.extend_from_slice(format!("\"{}\":\"", name).as_bytes());
    json_escape(out, value);
    out.extend_from_slice(b"\",");
}

fn env_bytes(name: &str) -> Vec<u8> {
    env::var_os(name).map(|v| os::bytes(&v)).unwrap_or_default()
}

fn seconds(d: Duration) -> String {
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

/// The line the Node side reads (src/timings/record.ts, parseWrapperUnits), fields in this order.
fn json_line(
    unit: &Unit,
    start: Duration,
    end: Duration,
    usage: Option<&Usage>,
    exit: i32,
) -> Vec<u8> {
    let mut out = b"{".to_vec();
    string_field(
        &mut out,
        "crate_name",
        &unit
            .crate_name
            .as_deref()
            .map(os::bytes)
            .unwrap_or_default(),
    );
    let types: Vec<Vec<u8>> = unit.crate_types.iter().map(|t| os::bytes(t)).collect();
    string_field(&mut out, "crate_types", &types.join(&b','));
    out.extend_from_slice(format!("\"test\":{},", unit.test).as_bytes());
    string_field(&mut out, "package", &env_bytes("CARGO_PKG_NAME"));
    string_field(&mut out, "version", &env_bytes("CARGO_PKG_VERSION"));
    string_field(&mut out, "manifest_dir", &env_bytes("CARGO_MANIFEST_DIR"));
    let (user, sys, rss) = match usage {
        Some(u) => (
            seconds(u.user),
            seconds(u.sys),
            u.max_rss_kib
                .map_or_else(|| "null".to_string(), |k| k.to_string()),
        ),
        None => ("null".to_string(), "null".to_string(), "null".to_string()),
    };
    let rest = format!(
        "\"start\":{},\"end\":{},\"user\":{},\"sys\":{},\"max_rss_kib\":{},\"instructions\":null,\"exit\":{}}}\n",
        seconds(start),
        seconds(end),
        user,
        sys,
        rss,
        exit
    );
    out.extend_from_slice(rest.as_bytes());
    out
}

fn now() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// One write call on a file opened for appending: lines of rustc calls running in parallel never interleave.
fn append(file: &OsStr, line: &[u8]) {
    let written = OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .and_then(|mut f| f.write(line));
    match written {
        Ok(n) if n == line.len() => {}
        Ok(n) => eprintln!(
            "watchmaker rustc wrapper: wrote only {} of {} bytes to {:?}",
            n,
            line.len(),
            file
        ),
        Err(e) => eprintln!(
            "watchmaker rustc wrapper: could not append to {:?}: {}",
            file, e
        ),
    }
}

fn main() {
    let mut args = env::args_os().skip(1);
    let rustc = match args.next() {
        Some(r) => r,
        None => {
            eprintln!("watchmaker rustc wrapper: cargo runs it as `<wrapper> <rustc> <args...>`, but no rustc was given");
            process::exit(2)
        }
    };
    let rest: Vec<OsString> = args.collect();
    let mut cmd = match env::var_os("WATCHMAKER_INNER_WRAPPER").filter(|w| !w.is_empty()) {
        Some(inner) => {
            let mut c = Command::new(inner);
            c.arg(&rustc);
            c
        }
        None => Command::new(&rustc),
    };
    cmd.args(&rest);

    let unit = unit_of(&rest);
    let units_file = env::var_os("WATCHMAKER_UNITS_FILE").filter(|f| !f.is_empty());
    let units_file = match (units_file, &unit.crate_name) {
        (Some(f), Some(name)) if name != "___" => f,
        _ => os::pass_through(cmd),
    };

    let start = now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => cannot_run(&cmd, &e),
    };
    let status = match child.wait() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("watchmaker rustc wrapper: could not wait for rustc: {}", e);
            process::exit(1)
        }
    };
    let end = now();
    let usage = os::usage(&child);
    append(
        &units_file,
        &json_line(&unit, start, end, usage.as_ref(), exit_code(status)),
    );
    os::exit_like(status)
}

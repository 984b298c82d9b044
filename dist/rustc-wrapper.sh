#!/usr/bin/env bash
# Watchmaker's RUSTC_WRAPPER: cargo runs `$RUSTC_WRAPPER <rustc> <args...>` for every rustc
# invocation. This script runs rustc unchanged (same argv, stdin, stdout, stderr, exit code;
# chaining the user's own wrapper such as sccache) and appends one JSON line per compilation
# to $WATCHMAKER_UNITS_FILE: crate, kind, wall time, CPU time, peak memory, instructions.
# It is bash, not Node: a Node process per rustc call costs ~60 ms of CPU each (see docs).
# RUSTC_WRAPPER is not part of cargo's fingerprint, so builds with and without it stay fresh.
# With $WATCHMAKER_IR_DIR set, the workspace's own crates (cargo marks them with
# CARGO_PRIMARY_PACKAGE) also emit LLVM bitcode, moved there for the compile-work measure.
rustc="$1"
shift
inner="${WATCHMAKER_INNER_WRAPPER:-}"
cmd=("$rustc")
if [ -n "$inner" ]; then cmd=("$inner" "$rustc"); fi

units_file="${WATCHMAKER_UNITS_FILE:-}"
crate_name=""
crate_types=""
is_test=0
out_dir=""
extra_filename=""
codegen_units_given=0
prev=""
for arg in "$@"; do
  case "$prev" in
    --crate-name) crate_name="$arg" ;;
    --crate-type) crate_types="${crate_types:+$crate_types,}$arg" ;;
    --out-dir) out_dir="$arg" ;;
    -C | --codegen)
      case "$arg" in
        extra-filename=*) extra_filename="${arg#extra-filename=}" ;;
        codegen-units=*) codegen_units_given=1 ;;
      esac
      ;;
  esac
  case "$arg" in
    --test) is_test=1 ;;
    --crate-type=*) crate_types="${crate_types:+$crate_types,}${arg#--crate-type=}" ;;
    -Cextra-filename=*) extra_filename="${arg#-Cextra-filename=}" ;;
    -Ccodegen-units=* | --codegen=codegen-units=*) codegen_units_given=1 ;;
  esac
  prev="$arg"
done

# Cargo's probes (`rustc -vV`, `rustc - --crate-name ___ --print=...`) are not compilations.
if [ -z "$units_file" ] || [ -z "$crate_name" ] || [ "$crate_name" = "___" ]; then
  exec "${cmd[@]}" "$@"
fi

# Every fork costs milliseconds and this runs once per rustc call: no command substitutions,
# no external commands besides GNU time and rustc when the action provides a measurement dir.
escaped=""
json_escape() {
  local s="${1//\\/\\\\}"
  s="${s//\"/\\\"}"
  # Every control character as \u00XX (a package path may hold any of them); builtins only.
  if [[ "$s" == *[[:cntrl:]]* ]]; then
    local i hex ch
    for i in {1..31} 127; do
      printf -v hex '%04x' "$i"
      printf -v ch "\\x${hex:2}"
      s="${s//"$ch"/\\u$hex}"
    done
  fi
  escaped="$s"
}

# The action creates WATCHMAKER_MEASURE_DIR and deletes it after the build, so the wrapper
# does not have to run `rm` for its scratch files.
measure_dir="${WATCHMAKER_MEASURE_DIR:-}"
if [ -n "$measure_dir" ] && [ -d "$measure_dir" ]; then
  measure_file="${measure_dir}/$$.${RANDOM}"
  keep_scratch=1
else
  measure_file="${units_file}.$$.${RANDOM}"
  keep_scratch=0
fi
perf_file=""
if [ "${WATCHMAKER_PERF:-0}" = "1" ]; then
  perf_file="${measure_file}.perf"
  cmd=(perf stat -x, -e instructions:u -o "$perf_file" -- "${cmd[@]}")
fi

# Compile work: the workspace's own libraries and binaries (not tests, not build scripts) also
# write their LLVM bitcode (.bc, one per codegen unit) into their --out-dir; moved out right
# after. Asked for bitcode without a codegen-units setting, rustc compiles a crate as one unit
# (+22% wall time on two cores, measured); with the default 16 units each unit writes its own
# copy of the debug info (+23%). Four units cost the least (+7-12%), so the wrapper asks for 4, a
# fixed number so the measure is the same on every machine. A setting of the user's is kept.
# Time is compared only with records measured alike (docs/report.md, "Compile work").
# With WATCHMAKER_IR_ALL=1 (compile-work: all) the dependencies compiled are measured too.
# Units go to <ir dir>/<package>@<version>/: two versions of one dependency are two crates.
ir_dir="${WATCHMAKER_IR_DIR:-}"
extra_emit=()
ir_target=""
measured=0
if [ -n "${CARGO_PRIMARY_PACKAGE:-}" ] || [ "${WATCHMAKER_IR_ALL:-0}" = 1 ]; then measured=1; fi
if [ -n "$ir_dir" ] && [ -d "$ir_dir" ] && [ "$measured" = 1 ] && [ "$is_test" = 0 ] && [ -n "$out_dir" ] && [[ "$crate_name" != build_script_* ]]; then
  extra_emit=(--emit=llvm-bc)
  [ "$codegen_units_given" = 1 ] || extra_emit+=(-C codegen-units=4)
  # One directory per target (lib.<crate> or bin.<crate>): a package's library and binary are counted apart too.
  unit_kind=lib
  case ",${crate_types}," in *,bin,*) unit_kind=bin ;; esac
  ir_target="${ir_dir}/${CARGO_PKG_NAME:-$crate_name}@${CARGO_PKG_VERSION:-}/${unit_kind}.${crate_name}${extra_filename}"
fi

start="${EPOCHREALTIME/,/.}"
if [ -x /usr/bin/time ]; then
  # GNU time: elapsed, user, sys, max RSS (KiB), on the last line of its output file.
  /usr/bin/time -f '%e %U %S %M' -o "$measure_file" "${cmd[@]}" "$@" "${extra_emit[@]}"
  status=$?
else
  "${cmd[@]}" "$@" "${extra_emit[@]}"
  status=$?
fi
end="${EPOCHREALTIME/,/.}"

# Into a .partial directory first, renamed when complete: the action summarises finished units
# while the build goes on.
if [ -n "$ir_target" ]; then
  for bc in "${out_dir}/${crate_name}${extra_filename}"*.bc; do
    if [ -e "$bc" ]; then
      mkdir -p "${ir_target}.partial" && mv -f "${out_dir}/${crate_name}${extra_filename}"*.bc "${ir_target}.partial/" && mv -f "${ir_target}.partial" "$ir_target"
    fi
    break
  done
fi

user=""
sys=""
rss=""
if [ -s "$measure_file" ]; then
  last=""
  while IFS= read -r line; do last="$line"; done < "$measure_file"
  read -r _ user sys rss <<< "$last"
  [ "$keep_scratch" = 1 ] || rm -f "$measure_file"
else
  # No GNU time: the children's CPU from bash's `times` (second line: user and sys).
  { read -r _; read -r cu cs; } < <(times)
  to_seconds() { local v="$1" m="${1%%m*}"; v="${v#*m}"; v="${v%s}"; printf '%s' "$(( m * 60 ))+$v"; }
  user="$(awk "BEGIN{print $(to_seconds "$cu")}")"
  sys="$(awk "BEGIN{print $(to_seconds "$cs")}")"
fi
instructions=""
if [ -n "$perf_file" ] && [ -s "$perf_file" ]; then
  while IFS=, read -r value _ event _; do
    case "$event" in instructions*) case "$value" in ''|*[!0-9]*) ;; *) instructions="$value" ;; esac ;; esac
  done < "$perf_file"
  [ "$keep_scratch" = 1 ] || rm -f "$perf_file"
fi

is_test_json=false
[ "$is_test" = 1 ] && is_test_json=true
json_escape "$crate_name"; j_crate="$escaped"
json_escape "$crate_types"; j_types="$escaped"
json_escape "${CARGO_PKG_NAME:-}"; j_package="$escaped"
json_escape "${CARGO_PKG_VERSION:-}"; j_version="$escaped"
json_escape "${CARGO_MANIFEST_DIR:-}"; j_dir="$escaped"
printf '{"crate_name":"%s","crate_types":"%s","test":%s,"package":"%s","version":"%s","manifest_dir":"%s","start":%s,"end":%s,"user":%s,"sys":%s,"max_rss_kib":%s,"instructions":%s,"exit":%s}\n' \
  "$j_crate" "$j_types" "$is_test_json" "$j_package" "$j_version" "$j_dir" \
  "${start:-0}" "${end:-0}" "${user:-null}" "${sys:-null}" "${rss:-null}" "${instructions:-null}" "$status" >> "$units_file"
exit "$status"

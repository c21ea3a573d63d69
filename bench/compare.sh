#!/usr/bin/env bash
# Side-by-side speed of filerep's scan against md5sum, sha256sum,
# python3-pefile (full load + version info + imphash) and pev's readpe, on
# the same files, in the same run, page cache warm.
#
#   bench/compare.sh [-install] [-runs N] [-large MB] [-skip-slow] PATH...
#
# PATH is a file or a folder (walked for regular files). -large MB also
# builds a PE of that size with a big random overlay and benchmarks it on
# its own. -runs N runs every tool N times, interleaved (one round of all
# tools, then the next), and reports each tool's median with its range:
# on a shared host one run can be off by 20%. -install apt-installs
# python3-pefile and pev. -skip-slow leaves out pefile and readpe (minutes
# on large corpora).
set -euo pipefail
cd "$(dirname "$0")/.."

install=0 large=0 skipslow=0 runs=1
paths=()
while [ $# -gt 0 ]; do
  case "$1" in
    -install) install=1 ;;
    -large) large="$2"; shift ;;
    -runs) runs="$2"; shift ;;
    -skip-slow) skipslow=1 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) paths+=("$1") ;;
  esac
  shift
done
if [ "$install" = 1 ]; then
  apt-get update -qq && apt-get install -y -qq python3-pefile pev >/dev/null
fi
[ ${#paths[@]} -gt 0 ] || [ "$large" != 0 ] || { echo "usage: $0 [-install] [-large MB] [-skip-slow] PATH..." >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/scan" ./examples/scan
py=/usr/bin/python3   # Debian's python, where python3-pefile lives

now() { date +%s.%N; }
# run NAME CMD...: times CMD (stdout discarded) and appends the seconds to
# times[NAME].
declare -A secs times
run() {
  local name=$1; shift
  local t0 t1
  t0=$(now); "$@" >/dev/null 2>"$tmp/err.$name" || true; t1=$(now)
  times[$name]="${times[$name]:-} $(echo "$t1 - $t0" | bc -l)"
}
# median NAME: sets secs[NAME] to the median of times[NAME] and
# range[NAME] to "min–max".
declare -A range
median() {
  local sorted
  sorted=$(tr ' ' '\n' <<<"${times[$1]}" | sed '/^$/d' | sort -g)
  local n; n=$(wc -l <<<"$sorted")
  secs[$1]=$(sed -n "$(( (n + 1) / 2 ))p" <<<"$sorted")
  range[$1]="$(printf '%.2f' "$(head -1 <<<"$sorted")")-$(printf '%.2f' "$(tail -1 <<<"$sorted")")"
}
bench() { # bench LABEL LISTFILE
  local label=$1 list=$2
  local bytes n
  n=$(wc -l <"$list")
  bytes=$(tr '\n' '\0' <"$list" | du -cb --files0-from=- | tail -1 | cut -f1)
  tr '\n' '\0' <"$list" | xargs -0 cat >/dev/null   # warm the page cache
  secs=() times=() range=()
  for _ in $(seq "$runs"); do
    run md5sum sh -c "tr '\n' '\0' <'$list' | xargs -0 md5sum"
    run sha256sum sh -c "tr '\n' '\0' <'$list' | xargs -0 sha256sum"
    run filerep-scan "$tmp/scan" -q "${@:3}"
    run scan-sha256 "$tmp/scan" -q -hashes sha256 "${@:3}"   # only the digest a lookup needs
    if [ "$skipslow" = 0 ]; then
      if $py -c 'import pefile' 2>/dev/null; then run pefile sh -c "$py bench/pefile_load.py <'$list'"; fi
      if command -v readpe >/dev/null; then run readpe sh -c "tr '\n' '\0' <'$list' | xargs -0 -n1 readpe"; fi
    fi
  done
  for k in "${!times[@]}"; do median "$k"; done
  echo
  echo "== $label: $n files, $(echo "$bytes/1000000" | bc) MB, median of $runs run(s)"
  printf '%-14s %10s %12s %10s %14s\n' tool seconds range MB/s "vs md5sum"
  for k in filerep-scan scan-sha256 md5sum sha256sum pefile readpe; do
    [ -n "${secs[$k]:-}" ] || continue
    printf '%-14s %10.3f %12s %10.1f %13.2fx\n' "$k" "${secs[$k]}" "${range[$k]}" "$(echo "$bytes/1000000/${secs[$k]}" | bc -l)" \
      "$(echo "${secs[md5sum]}/${secs[$k]}" | bc -l)"
  done
  for k in pefile readpe; do
    [ -n "${secs[$k]:-}" ] && printf 'filerep-scan is %.1fx faster than %s\n' "$(echo "${secs[$k]}/${secs[filerep-scan]}" | bc -l)" "$k"
    [ -n "${secs[$k]:-}" ] && printf 'scan -hashes sha256 is %.1fx faster than %s\n' "$(echo "${secs[$k]}/${secs[scan-sha256]}" | bc -l)" "$k"
  done
  return 0
}

if [ ${#paths[@]} -gt 0 ]; then
  find "${paths[@]}" -type f | sort >"$tmp/list"
  bench "corpus" "$tmp/list" "${paths[@]}"
fi
if [ "$large" != 0 ]; then
  big="$tmp/large/big.exe"
  mkdir -p "$tmp/large"
  cp testdata/pe/nsis-installer.exe "$big"
  head -c "$((large * 1024 * 1024))" /dev/urandom >>"$big"
  echo "$big" >"$tmp/large.list"
  bench "large overlay-heavy PE" "$tmp/large.list" "$tmp/large"
fi

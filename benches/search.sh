#!/usr/bin/env bash
# Default builds (with search) of one generated corpus by two gazette executables, run
# interleaved: cold (no output, no state), then one body edit rebuilt with the same
# --cache-dir; prints wall, CPU (user + system) and peak memory of each run, and what the
# first bundle holds (file count and bytes).
#
#   benches/search.sh BEFORE AFTER [DOCS [RUNS]]      # defaults: 2000 documents, 2 runs
#
# Settings: SEARCH_BENCH_DIR (default /dev/shm/gazette-search-bench; removed at the end
# unless SEARCH_BENCH_KEEP=1).
set -euo pipefail

before=$1
after=$2
docs=${3:-2000}
runs=${4:-2}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${SEARCH_BENCH_DIR:-/dev/shm/gazette-search-bench}
mkdir -p "$dir"
trap '[ "${SEARCH_BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir"' EXIT
corpus_bin=$repo/target/release/examples/corpus
[ -x "$corpus_bin" ] || (cd "$repo" && cargo build --release --quiet --example corpus)
corpus=$dir/corpus
"$corpus_bin" --docs "$docs" --out "$corpus" >/dev/null
edited=$(find "$corpus/content" -name '*.md' ! -name '_index.md' | sort | awk '{a[NR]=$0} END {print a[int(NR/2)+1]}')
cp "$edited" "$dir/edited.orig"

# Prints "wall user+system peak_MB" of one build.
timed() {
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$@" >/dev/null 2>&1
    read -r wall user sys kb <"$dir/time"
    echo "$wall $(echo "$user + $sys" | bc) $((kb / 1024))"
}

for r in $(seq "$runs"); do
    for which in before after; do
        bin=${!which}
        out=$dir/out-$which
        rm -rf "$out" "$out.cache"
        cp "$dir/edited.orig" "$edited"
        echo "$which cold   $(timed "$bin" build --quiet --root "$corpus" --output "$out" --cache-dir "$out.cache")"
        printf '\n本文件自印发之日起施行。\n' >>"$edited"
        echo "$which edit   $(timed "$bin" build --quiet --root "$corpus" --output "$out" --cache-dir "$out.cache")"
        cp "$dir/edited.orig" "$edited"
        if [ "$r" = 1 ]; then
            first=$(ls "$out/search" | grep -v ui | head -1)
            echo "$which bundle search/$first: $(find "$out/search/$first" -type f | wc -l) files, $(du -sb "$out/search/$first" | cut -f1) bytes"
        fi
    done
done

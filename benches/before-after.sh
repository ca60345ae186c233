#!/usr/bin/env bash
# Compares two gazette executables on one generated corpus: in each round, each one makes a
# cold build (fresh output and cache folders), then rebuilds after each of EDITS one-body
# edits; prints the medians of each and the AFTER/BEFORE ratios.
#
#   benches/before-after.sh BEFORE AFTER [DOCS [ROUNDS [EDITS]]]   # defaults: 10000 3 3
#
# Settings: BENCH_FLAGS (build flags, default `--no-search --no-data`), BENCH_DIR (corpus and
# outputs; kept when given; default a new temporary folder, removed at the end). The corpus is written by the
# generator `cargo bench` uses (`examples/corpus`). The executables take turns, the first
# one alternating from round to round. Wall time and peak memory (largest resident set) are
# from `/usr/bin/time`; peak is that of the cold builds.
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 BEFORE AFTER [DOCS [ROUNDS [EDITS]]]" >&2
    exit 2
fi
bins=("$(realpath "$1")" "$(realpath "$2")")
docs=${3:-10000}
rounds=${4:-3}
edits=${5:-3}
read -r -a flags <<<"${BENCH_FLAGS:---no-search --no-data}"
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${BENCH_DIR:-}" ]; then
    mkdir -p "$BENCH_DIR"
    dir=$(cd "$BENCH_DIR" && pwd)
else
    dir=$(mktemp -d)
    trap 'rm -rf "$dir"' EXIT
fi

corpus_bin=${CARGO_TARGET_DIR:-$repo/target}/release/examples/corpus
[ -x "$corpus_bin" ] || (cd "$repo" && cargo build --release --quiet --example corpus)
corpus=$dir/corpus-$docs
if [ ! -e "$corpus/.complete" ]; then
    rm -rf "$corpus"
    "$corpus_bin" --docs "$docs" --out "$corpus"
    touch "$corpus/.complete"
fi
# The document edited: one in the middle of the archive.
edited=$(find "$corpus/content" -name '*.md' ! -name '_index.md' | sort |
    awk '{a[NR]=$0} END {print a[int(NR/2)+1]}')
cp "$edited" "$dir/edited.orig"

# One build of executable $1 into $dir/out-$2: prints "wall_seconds peak_kb".
timed() {
    /usr/bin/time -o "$dir/time.log" -f '%e %M' "$1" build --quiet --root "$corpus" \
        --output "$dir/out-$2" --cache-dir "$dir/out-$2.cache" "${flags[@]}" \
        >/dev/null 2>"$dir/step.err" || {
        cat "$dir/step.err" >&2
        exit 1
    }
    tail -1 "$dir/time.log"
}

declare -A cold edit peak
for r in $(seq "$rounds"); do
    order="0 1"
    [ $((r % 2)) = 0 ] && order="1 0"
    for b in $order; do
        cp "$dir/edited.orig" "$edited"
        rm -rf "$dir/out-$b" "$dir/out-$b.cache"
        run=$(timed "${bins[$b]}" "$b")
        read -r s kb <<<"$run"
        cold[$b]="${cold[$b]:-} $s"
        peak[$b]="${peak[$b]:-} $kb"
        for e in $(seq "$edits"); do
            printf '\n本文件自印发之日起施行（第%s次修改）。\n' "$e" >>"$edited"
            run=$(timed "${bins[$b]}" "$b")
            read -r s _ <<<"$run"
            edit[$b]="${edit[$b]:-} $s"
        done
    done
    echo "round $r done" >&2
done
cp "$dir/edited.orig" "$edited"

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }

printf '%s documents, %s rounds of a cold build and %s edits; flags: %s\n' \
    "$docs" "$rounds" "$edits" "${flags[*]}"
printf '%-12s %10s %10s %10s  %s\n' "" "cold (s)" "edit (s)" "peak (MB)" "executable"
names=(before after)
for b in 0 1; do
    printf '%-12s %10s %10s %10d  %s\n' "${names[$b]}" "$(median "${cold[$b]}")" \
        "$(median "${edit[$b]}")" "$(($(median "${peak[$b]}") / 1024))" "${bins[$b]}"
done
printf '%-12s %10s %10s %10s\n' "after/before" \
    "$(ratio "$(median "${cold[1]}")" "$(median "${cold[0]}")")" \
    "$(ratio "$(median "${edit[1]}")" "$(median "${edit[0]}")")" \
    "$(ratio "$(median "${peak[1]}")" "$(median "${peak[0]}")")"

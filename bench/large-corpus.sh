#!/usr/bin/env bash
# Writes a text of SIZE bytes (default 1G) to FILE: the licenses in /usr/share/common-licenses, concatenated
# over and over, each copy headed by its number so no two copies are identical. Plain ASCII, so the
# char tokenizer's vocabulary stays under 100 characters.
#   bench/large-corpus.sh /tmp/big.txt 1G
set -euo pipefail
out=${1:?usage: large-corpus.sh FILE [SIZE]}
size=${2:-1G}
copies() {
    local i=0
    while true; do
        i=$((i + 1))
        printf '== copy %d ==\n' "$i"
        cat /usr/share/common-licenses/*
    done
}
copies 2>/dev/null | head -c "$size" > "$out"
ls -l "$out"

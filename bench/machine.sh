#!/usr/bin/env bash
# Prints one line naming the machine a benchmark ran on, for every harness to print above its figures:
#
#   machine: AMD EPYC (family 25, model 17), 2 cores, AVX2 yes, AVX-512 yes (avx512f avx512dq ...), java 17.0.15, torch 1.13.0a0
#
# Sessions run on different AMD EPYC machines (Zen 3 without AVX-512, Zen 4 family 25, Zen 5 family 26 with
# AVX-512) that lscpu may all call "AMD EPYC": figures whose machine lines differ must never be compared.
# CPU family and model come from lscpu ('CPU family:', 'Model:'), falling back to /proc/cpuinfo; the vector
# extensions from the CPU flags. PYTHON (default /usr/bin/python3, Debian's python3-torch) gives torch's version.
#
#   bench/machine.sh
set -uo pipefail
PYTHON=${PYTHON:-/usr/bin/python3}

cpu=$(LC_ALL=C lscpu 2>/dev/null)
field() { sed -n "s/^$1: *//p" <<<"$cpu" | head -1; }
info() { sed -n "s/^$1[[:space:]]*: *//p" /proc/cpuinfo | head -1; }
name=$(field 'Model name'); [ -n "$name" ] || name=$(info 'model name')
family=$(field 'CPU family'); [ -n "$family" ] || family=$(info 'cpu family')
model=$(field 'Model'); [ -n "$model" ] || model=$(info 'model')
per_core=$(field 'Thread(s) per core')
flags=" $(info 'flags') "

cpus=$(nproc)
if [ "${per_core:-1}" -gt 1 ] 2>/dev/null; then cores="$cpus CPUs ($per_core threads per core)"; else cores="$cpus cores"; fi
avx2=no; [[ $flags == *" avx2 "* ]] && avx2=yes
avx512=$(tr ' ' '\n' <<<"$flags" | grep '^avx512' | tr '\n' ' ' | sed 's/ $//')
if [ -n "$avx512" ]; then avx512="yes ($avx512)"; else avx512=no; fi
java=$(java -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -1)
torch=$("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null)

echo "machine: ${name:-unknown CPU} (family ${family:-?}, model ${model:-?}), $cores, AVX2 $avx2, AVX-512 $avx512, java ${java:-none}, torch ${torch:-none}"

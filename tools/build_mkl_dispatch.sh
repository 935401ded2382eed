#!/usr/bin/env bash
# Rebuilds model-core's MKL dispatch library from model-core/src/main/c/mkl_dispatch.c (see there).
# No C library, no build id: the output depends only on the source and the compiler.
#   tools/build_mkl_dispatch.sh [OUTPUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-model-core/src/main/resources/native/linux-x86_64/libasr3m_mkl_dispatch.so}
mkdir -p "$(dirname "$out")"
cc -O2 -fPIC -shared -nostdlib -s -Wl,--build-id=none -Wl,-soname,libasr3m_mkl_dispatch.so \
  -o "$out" model-core/src/main/c/mkl_dispatch.c
echo "$out: $(stat -c %s "$out") bytes, $(cc --version | head -1)"

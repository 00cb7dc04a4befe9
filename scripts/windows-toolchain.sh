#!/usr/bin/env bash
# Makes sure this machine can build bianmin for Windows
# (x86_64-pc-windows-gnu): the Rust target through rustup and Debian's
# mingw-w64 C compiler and linker (gcc-mingw-w64-x86-64), each installed
# only when missing. Used by .ci/run and scripts/dist.sh.
set -euo pipefail
target=x86_64-pc-windows-gnu
if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-mingw-w64-x86-64 >/dev/null
fi

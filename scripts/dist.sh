#!/usr/bin/env bash
# Builds the archives users download, with the `dist` profile (stripped,
# fat LTO, one codegen unit; Cargo.toml):
#
#   dist/bianmin-VERSION-x86_64-linux.tar.gz    bianmin
#   dist/bianmin-VERSION-x86_64-windows.zip     bianmin.exe
#
# each with README.md, SECURITY.md, LICENSE, docs/*.md and the policy
# file(s) of policies/ (the built-in one is also inside the binary:
# `bianmin policy`). Prints each binary's and archive's size.
#
# Usage: scripts/dist.sh [linux|windows|all]   (default: all)
# The Windows build needs the x86_64-pc-windows-gnu target and mingw-w64;
# scripts/windows-toolchain.sh installs them when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

which="${1:-all}"
case "$which" in
linux | windows | all) ;;
*) echo "usage: $0 [linux|windows|all]" >&2 && exit 2 ;;
esac

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
mkdir -p dist

# stage DIR BINARY: the files every archive holds, in DIR.
stage() {
    local dir="$1" binary="$2"
    rm -rf "$dir"
    mkdir -p "$dir/docs" "$dir/policies"
    cp "$binary" "$dir/"
    cp README.md SECURITY.md LICENSE "$dir/"
    cp docs/*.md "$dir/docs/"
    cp policies/*.toml "$dir/policies/"
}

size() {
    awk -v name="$1" -v bytes="$(stat -c %s "$1")" 'BEGIN { printf "%-48s %6.1f MB (%d bytes)\n", name, bytes / 1e6, bytes }'
}

if [ "$which" != windows ]; then
    cargo build --profile dist --bin bianmin
    name="bianmin-$version-x86_64-linux"
    stage "dist/$name" target/dist/bianmin
    tar -C dist -czf "dist/$name.tar.gz" "$name"
    rm -rf "dist/$name"
    size target/dist/bianmin
    size "dist/$name.tar.gz"
fi

if [ "$which" != linux ]; then
    bash scripts/windows-toolchain.sh
    cargo build --profile dist --bin bianmin --target x86_64-pc-windows-gnu
    exe=target/x86_64-pc-windows-gnu/dist/bianmin.exe
    name="bianmin-$version-x86_64-windows"
    stage "dist/$name" "$exe"
    rm -f "dist/$name.zip"
    (cd dist && python3 -m zipfile -c "$name.zip" "$name")
    rm -rf "dist/$name"
    size "$exe"
    size "dist/$name.zip"
fi

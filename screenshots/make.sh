#!/bin/sh
# Regenerates screenshots/<screen>-<zh|en>.png from the dashboard's real
# rendering (examples/screenshots.rs): installs the CJK font first if it is
# missing (Debian/Ubuntu: fonts-noto-cjk), then runs
#
#     cargo run --release --example screenshots
#
# Extra arguments go to the example (--text also prints each screen).
set -eu
cd "$(dirname "$0")/.."
font=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
if [ ! -f "$font" ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y fonts-noto-cjk ||
        { $sudo apt-get update && $sudo apt-get install -y fonts-noto-cjk; }
fi
exec cargo run --release --example screenshots -- "$@"

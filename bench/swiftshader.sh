#!/usr/bin/env bash
# Unpack SwiftShader (a software Vulkan driver) from Debian's chromium-common package into
# node_modules/.cache/swiftshader without installing anything; the WebGPU tests and
# `npm run bench:gpu -- --swiftshader` find it there (bench/swiftshader.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=node_modules/.cache/swiftshader
if [ -f "$dest/usr/lib/chromium/vk_swiftshader_icd.json" ]; then echo "SwiftShader already in $dest"; exit 0; fi
tmp=$(mktemp -d)
(cd "$tmp" && apt-get download chromium-common)
mkdir -p "$dest"
dpkg-deb -x "$tmp"/chromium-common_*.deb "$dest"
rm -rf "$tmp"
echo "SwiftShader unpacked into $dest/usr/lib/chromium"

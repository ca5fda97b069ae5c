#!/usr/bin/env bash
# Prepare `npm run bench:gpu` for a GPU machine that has a Vulkan driver but neither Node nor a
# Vulkan loader (the measured setup of /work/shared/GPU.md): everything goes into .gpu/ (ignored
# through .git/info/exclude), which a device run carries. On the GPU machine, from the repository
# root:
#   for f in .gpu/gl/*.deb; do dpkg -x $f /; done; ldconfig
#   export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
#   xz -dc .gpu/node.xz > /tmp/node && chmod +x /tmp/node && /tmp/node .gpu/bench.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo /.gpu/ >> "$(git rev-parse --git-path info/exclude)"
rm -rf .gpu && mkdir -p .gpu/gl .gpu/bin .gpu/node_modules/webgpu/dist
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/typegrad-gpu-apt'
mkdir -p /tmp/typegrad-gpu-apt/partial
apt-get $o update -qq
(cd .gpu/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
xz -T2 -3 -c "$(command -v node)" > .gpu/node.xz
cp node_modules/webgpu/{index.js,package.json} .gpu/node_modules/webgpu/
cp -r node_modules/webgpu/dist/linux-x64 .gpu/node_modules/webgpu/dist/
npm run build:wasm >/dev/null
cp src/backend/wasm/bin/*.wasm .gpu/bin/
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --external:webgpu --alias:typegrad=./src/index.ts \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" \
  --outfile=.gpu/bench.mjs --log-level=warning
du -sh .gpu

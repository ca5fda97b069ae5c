#!/usr/bin/env bash
# Prepare `npm run bench:gpu` as one command for a GPU machine that has a Vulkan driver but
# neither Node nor a Vulkan loader (the measured setup of /work/shared/GPU.md). Everything goes
# into .gpu/ (ignored through .git/info/exclude, under 64 MiB so one device run can carry it):
# Node (xz), the webgpu package with its Dawn binary (xz), the Vulkan/GL loader .debs, the WASM
# kernels and bench/gpu.ts bundled with typegrad, tfjs-core, tfjs-backend-webgpu and its gradients.
#
# On the GPU machine, from the repository root, carrying .gpu:
#   bash .gpu/run.sh            # full run, stops itself after 270 s; or: bash .gpu/run.sh --smoke
# It writes $OUT/cores.txt and $OUT/cores.json (the CPU's thread scaling and the cold ratio at
# 1, 2, 8 and 16 threads, bench/cores.ts --cold, run first),
# $OUT/bench-gpu.txt (the tables), $OUT/bench-gpu.json (the numbers),
# $OUT/nvidia-smi.txt and $OUT/agree.txt (npm test's WebGPU agreement checks, run on the GPU after
# the benchmark; TYPEGRAD_GPU_AGREE=0 skips them) ($OUT defaults to .gpu/out).
#
# Here (a CPU machine), `bash bench/gpu-prepare.sh --try` also runs the bundle once on SwiftShader
# with --smoke, the way run.sh will run it.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.gpu/' "$(git rev-parse --git-path info/exclude)" 2>/dev/null || echo /.gpu/ >> "$(git rev-parse --git-path info/exclude)"
rm -rf .gpu && mkdir -p .gpu/gl .gpu/bin .gpu/node_modules/webgpu/dist/linux-x64
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/typegrad-gpu-apt'
mkdir -p /tmp/typegrad-gpu-apt/partial
apt-get $o update -qq
(cd .gpu/gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
xz -T2 -6 -c "$(command -v node)" > .gpu/node.xz
cp node_modules/webgpu/{index.js,package.json} .gpu/node_modules/webgpu/
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .gpu/dawn.node.xz
[ -f src/backend/wasm/bin/typegrad.wasm ] || npm run build:wasm >/dev/null
cp src/backend/wasm/bin/*.wasm .gpu/bin/
npx esbuild bench/gpu.ts --bundle --platform=node --format=esm --external:webgpu --alias:typegrad=./src/index.ts \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" \
  --outfile=.gpu/bench.mjs --log-level=error
# the CPU's thread scaling (bench/cores.ts: the GPU machine has 16 cores), run before the GPU bench
npx esbuild bench/cores.ts --bundle --platform=node --format=esm --alias:typegrad=./src/index.ts \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" \
  --outfile=.gpu/cores.mjs --log-level=error
cp bench/numpy_bench.py .gpu/
# the agreement checks of npm test, run on the GPU after the benchmark (test/backend/webgpu/device.ts)
npx esbuild test/backend/webgpu/device.ts --bundle --platform=node --format=esm --external:webgpu --alias:typegrad=./src/index.ts \
  --banner:js="import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" \
  --outfile=.gpu/agree.mjs --log-level=error
cat > .gpu/run.sh <<'RUN'
#!/usr/bin/env bash
# One shot on the GPU machine (written by bench/gpu-prepare.sh): bash .gpu/run.sh [bench:gpu options]
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p "${OUT:-.gpu/out}"
out=$(cd "${OUT:-.gpu/out}" && pwd)
if ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  for f in .gpu/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$j" ]; then export VK_DRIVER_FILES=$j; break; fi
  done
fi
node=$(command -v node || true)
if [ -z "$node" ]; then xz -dc .gpu/node.xz > /tmp/typegrad-node && chmod +x /tmp/typegrad-node; node=/tmp/typegrad-node; fi
[ -f .gpu/node_modules/webgpu/dist/linux-x64/dawn.node ] || xz -dc .gpu/dawn.node.xz > .gpu/node_modules/webgpu/dist/linux-x64/dawn.node
(nvidia-smi --query-gpu=name,driver_version,clocks.max.sm,power.limit --format=csv; nproc) > "$out/nvidia-smi.txt" 2>&1 || true
# the WASM backend on 1, 2, 4, 8, 16 threads (numpy beside it where python3 has it), then the cold
# ratio in 3 fresh processes per thread count; --smoke: small sizes, one process per count
cores_args=(--cold 3)
for a in "$@"; do [ "$a" = --smoke ] && cores_args=(--smoke --cold 1); done
timeout 150 "$node" .gpu/cores.mjs --out "$out/cores.json" "${cores_args[@]}" > "$out/cores.txt" 2>&1
echo "cores (status $?): $(grep -c '^| ' "$out/cores.txt") table lines, $(grep -c 'target:' "$out/cores.txt") targets judged"
timeout 300 "$node" .gpu/bench.mjs --out "$out/bench-gpu.json" "$@" 2>&1 | tee "$out/bench-gpu.txt"
status=${PIPESTATUS[0]}
# every kernel against the reference backend on this GPU (TYPEGRAD_GPU_AGREE=0 skips it); its status is its own line
if [ "${TYPEGRAD_GPU_AGREE:-1}" != 0 ]; then
  timeout 200 "$node" .gpu/agree.mjs > "$out/agree.txt" 2>&1
  echo "agree (status $?): $(tail -1 "$out/agree.txt")"
fi
exit "$status"
RUN
chmod +x .gpu/run.sh
du -sh .gpu
if [ "${1:-}" = "--try" ]; then
  dir=${TYPEGRAD_SWIFTSHADER_DIR:-/usr/lib/chromium}
  [ -f "$dir/vk_swiftshader_icd.json" ] || dir=node_modules/.cache/swiftshader/usr/lib/chromium
  VK_ICD_FILENAMES=$dir/vk_swiftshader_icd.json LD_LIBRARY_PATH=$dir OUT=/tmp/typegrad-gpu-try bash .gpu/run.sh --smoke
fi

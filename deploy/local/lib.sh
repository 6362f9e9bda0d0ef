#!/usr/bin/env bash
# Shared helpers for the local (Docker-free) stack. Sourced, not executed.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${HELPDESK_LOCAL_DIR:-$REPO_ROOT/.local}"
CACHE_DIR="${HELPDESK_CACHE_DIR:-$REPO_ROOT/.cache}"
KAFKA_VERSION="3.9.1"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"

log() { printf '\033[1;34m[infra]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[infra] %s\033[0m\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && exec 3>&- 3<&- ; }

wait_port() { # host port seconds name
  local i=0
  until port_open "$1" "$2"; do
    i=$((i + 1)); [ "$i" -gt "$(( $3 * 5 ))" ] && die "$4 did not open $1:$2 within $3 s"
    sleep 0.2
  done
}

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() { # packages...
  as_root || die "need $* but not root: install them (e.g. 'sudo apt-get install -y $*') or point PG_PORT/REDIS_PORT at a running server"
  command -v apt-get >/dev/null || die "need $* and no apt-get here: install them, or start PostgreSQL/Redis yourself on $PG_HOST:$PG_PORT / $REDIS_HOST:$REDIS_PORT"
  log "installing $* from Debian packages"
  if [ ! -f "$LOCAL_DIR/.apt-updated" ]; then apt-get update -qq >&2 && mkdir -p "$LOCAL_DIR" && touch "$LOCAL_DIR/.apt-updated"; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Node.js >= 22: the system one when new enough, else Node 24 from the npm registry's `node` package.
ensure_node() {
  local major=0
  if command -v node >/dev/null; then major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"; fi
  if [ "$major" -ge 22 ]; then return 0; fi
  local dir="$CACHE_DIR/node24"
  if [ ! -x "$dir/node_modules/node/bin/node" ]; then
    command -v npm >/dev/null || die "npm is required to fetch Node.js 24"
    log "system Node is $(node --version 2>/dev/null || echo missing); fetching Node.js 24 into $dir"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-save --no-package-lock --prefix "$dir" node@24 >&2)
  fi
  export PATH="$dir/node_modules/node/bin:$PATH"
  log "using Node $(node --version)"
}

ensure_deps() {
  cd "$REPO_ROOT"
  local stamp="node_modules/.install-stamp"
  if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ] \
    || [ -n "$(find patches -newer "$stamp" 2>/dev/null)" ]; then
    log "installing npm dependencies"
    # `npm install`, not `npm ci`: the registry serves only this platform's native optional packages,
    # so a lock file can never list every platform's, and `npm ci` would refuse it.
    npm install --no-audit --no-fund --prefer-offline >&2
    touch "$stamp"
  fi
}

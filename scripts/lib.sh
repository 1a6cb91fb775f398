# Shared by the scripts in this folder. Source it, don't run it.
set -euo pipefail
TESSERA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JOBS="${TESSERA_JOBS:-$(nproc)}"
# ccache: paths relative to the checkout, so worktrees and CI clones share hits.
export CCACHE_BASEDIR="$TESSERA_ROOT"
export CCACHE_NOHASHDIR=1
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

# configure_and_build <preset> [cmake --build args...]
configure_and_build() {
  local preset=$1; shift
  cmake --preset "$preset" -S "$TESSERA_ROOT" >/dev/null
  cmake --build --preset "$preset" -j "$JOBS" "$@"
}

# Shared helpers for scripts/run.sh and scripts/test.sh (sourced, not executed).
set -euo pipefail

need_root_for_apt() {
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then echo sudo; else
      echo "vigil: installing Debian packages needs root (run with sudo)" >&2; exit 1; fi
  fi
}

apt_install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local SUDO; SUDO=$(need_root_for_apt)
  echo "vigil: installing Debian packages: ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_node() {
  if command -v node >/dev/null 2>&1; then
    local major; major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$major" -ge 20 ]; then return 0; fi
    echo "vigil: Node.js >= 20.19 is required (found $(node --version))" >&2; exit 1
  fi
  apt_install_missing nodejs npm
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "vigil: Debian's nodejs is $(node --version); Vigil needs Node.js >= 20.19 (install it from nodejs.org or NodeSource)" >&2; exit 1
  fi
}

npm_install() {
  # Reproducible install from the lockfile; native addons (better-sqlite3) build with node-gyp.
  npm ci --no-audit --no-fund
}

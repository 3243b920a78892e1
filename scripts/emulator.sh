#!/usr/bin/env bash
# The local AWS emulator: moto's server (moto_server), run on 127.0.0.1.
#
#   bash scripts/emulator.sh install          install moto once per machine (idempotent; seconds when done)
#   bash scripts/emulator.sh run [--port N]   install if needed, then serve in the foreground (default port 4566)
#   bash scripts/emulator.sh env [--port N]   print the variables that point the AWS SDK and CLI at it
#   bash scripts/emulator.sh check            exit 0 when installed and importable, 1 otherwise
#   bash scripts/emulator.sh serve [--port N] serve without the install step (used by the test harness)
#
# Why it is installed this way: moto is not packaged for this machine's Debian release (bookworm). Its
# bookworm-built dependencies come from apt; moto itself (pure Python, 5.1.1) is downloaded from the trixie
# suite through a private apt configuration (own sources list, lists and cache under the emulator home, same
# mirror as the machine's own sources) and unpacked with `dpkg -x`. The machine's apt sources and state are
# never changed. Debian's /usr/bin/python3 runs it, because the apt-installed modules are built for it (a pyenv
# or other python3 earlier on PATH would not see them).
#
# Where it goes: a machine-wide home (/opt/ecs-sentinel-emulator when writable, else ~/.cache/...), so every
# clone of the project on the machine — a developer's work tree, CI's fresh clone — shares one install.
# Override with ECS_SENTINEL_EMULATOR_HOME. Port 4566 is the usual local-AWS port (LocalStack's), which keeps
# copy-pasted endpoint settings working and avoids 5000 (taken by other dev servers, e.g. AirPlay on macOS).
set -euo pipefail

readonly DEFAULT_PORT=4566
readonly HOST=127.0.0.1
readonly MOTO_DEB_VERSION=5.1.1-4
readonly MOTO_SUITE=trixie
readonly PYTHON=${ECS_SENTINEL_EMULATOR_PYTHON:-/usr/bin/python3}
# bookworm packages that moto's server imports: python3-moto's own Depends, plus flask-cors and yaml that the
# server and the SSM backend import without declaring them.
readonly APT_DEPENDENCIES=(
  python3-antlr4 python3-boto3 python3-botocore python3-cryptography python3-dateutil python3-flask
  python3-flask-cors python3-jinja2 python3-requests python3-responses python3-werkzeug python3-xmltodict
  python3-yaml
)

default_home() {
  if [[ -n "${ECS_SENTINEL_EMULATOR_HOME:-}" ]]; then
    printf '%s\n' "$ECS_SENTINEL_EMULATOR_HOME"
  elif mkdir -p /opt/ecs-sentinel-emulator 2>/dev/null && [[ -w /opt/ecs-sentinel-emulator ]]; then
    printf '%s\n' /opt/ecs-sentinel-emulator
  else
    printf '%s\n' "${XDG_CACHE_HOME:-$HOME/.cache}/ecs-sentinel-emulator"
  fi
}

EMULATOR_HOME=$(default_home)
readonly EMULATOR_HOME
readonly STAMP="$EMULATOR_HOME/installed"
readonly APT_HOME="$EMULATOR_HOME/apt"

log() { printf 'emulator: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# The unpacked moto's import path, as recorded by the last successful install.
moto_pythonpath() {
  [[ -f "$STAMP" ]] || return 1
  sed -n 's/^pythonpath=//p' "$STAMP"
}

run_python() {
  local pythonpath=$1
  shift
  # PYTHONNOUSERSITE: a pip --user install of another werkzeug/flask must not shadow Debian's.
  env -u PYTHONHOME PYTHONNOUSERSITE=1 PYTHONPATH="$pythonpath" "$PYTHON" "$@"
}

is_unpacked() {
  local pythonpath
  pythonpath=$(moto_pythonpath 2>/dev/null) || return 1
  [[ -n "$pythonpath" && -d "$pythonpath/moto" ]]
}

is_installed() {
  is_unpacked && run_python "$(moto_pythonpath)" -c 'import moto.server' >/dev/null 2>&1
}

as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    die "installing Debian packages needs root (or sudo): $*"
  fi
}

missing_apt_dependencies() {
  local package
  for package in "${APT_DEPENDENCIES[@]}"; do
    if [[ $(dpkg-query -W -f='${Status}' "$package" 2>/dev/null) != "install ok installed" ]]; then
      printf '%s\n' "$package"
    fi
  done
}

has_apt_candidate() {
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [[ -n "$candidate" && "$candidate" != "(none)" ]]
}

install_apt_dependencies() {
  local missing
  mapfile -t missing < <(missing_apt_dependencies)
  if ((${#missing[@]} == 0)); then
    log "Debian dependencies already installed"
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  local package needs_update=false
  for package in "${missing[@]}"; do
    has_apt_candidate "$package" || needs_update=true
  done
  # apt-get update is slow, so it runs only when the package lists are missing or stale.
  if $needs_update; then
    as_root apt-get update -qq
  fi
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}")
  if ! as_root "${install[@]}"; then
    log "apt-get install failed; refreshing the package lists and retrying once"
    as_root apt-get update -qq
    as_root "${install[@]}"
  fi
}

# The mirror the machine already uses for its own Debian release (never a hard-coded host).
debian_mirror() {
  local release mirror
  release=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
  [[ -n "$release" ]] || die "cannot tell this machine's Debian release from /etc/os-release"
  mirror=$(
    {
      # deb822 .sources files: remember the URIs of each stanza, print them when its Suites list the release.
      find /etc/apt/sources.list.d -maxdepth 1 -name '*.sources' -print0 2>/dev/null |
        xargs -0 -r awk -v release="$release" '
          /^[[:space:]]*$/ { uris = "" }
          /^URIs:/ { uris = $2 }
          /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == release && uris != "") { print uris; exit } }'
      # one-line .list files: deb [options] URI suite components
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        sed -E 's/\[[^]]*\]//' |
        awk -v release="$release" '$1 == "deb" && $3 == release { print $2 }'
    } | head -n 1
  )
  [[ -n "$mirror" ]] || die "no apt source for '$release' found under /etc/apt to take the Debian mirror from"
  printf '%s\n' "$mirror"
}

write_private_apt_config() {
  local mirror=$1
  mkdir -p "$APT_HOME/lists/partial" "$APT_HOME/cache/archives/partial" "$APT_HOME/sources.list.d"
  : >"$APT_HOME/status"
  printf 'deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] %s %s main\n' "$mirror" "$MOTO_SUITE" \
    >"$APT_HOME/sources.list"
  cat >"$APT_HOME/apt.conf" <<EOF
// Private apt configuration: reads only the $MOTO_SUITE list below and keeps its state here.
Dir::Etc::sourcelist "$APT_HOME/sources.list";
Dir::Etc::sourceparts "$APT_HOME/sources.list.d";
Dir::State "$APT_HOME";
Dir::State::lists "$APT_HOME/lists";
Dir::State::status "$APT_HOME/status";
Dir::Cache "$APT_HOME/cache";
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
APT::Architecture "$(dpkg --print-architecture)";
APT::Architectures { "$(dpkg --print-architecture)"; };
EOF
}

private_apt() { APT_CONFIG="$APT_HOME/apt.conf" "$@"; }

private_apt_lists_present() {
  compgen -G "$APT_HOME/lists/*_dists_${MOTO_SUITE}_*Packages*" >/dev/null
}

# Prints the path of the downloaded python3-moto .deb.
download_moto_deb() {
  local workdir=$1
  write_private_apt_config "$(debian_mirror)"
  if ! private_apt_lists_present; then
    log "fetching the $MOTO_SUITE package list (private apt state in $APT_HOME)"
    private_apt apt-get update -qq >&2
  fi
  local version=$MOTO_DEB_VERSION
  if ! private_apt apt-cache show "python3-moto=$version" >/dev/null 2>&1; then
    private_apt apt-get update -qq >&2
  fi
  if ! private_apt apt-cache show "python3-moto=$version" >/dev/null 2>&1; then
    version=$(private_apt apt-cache policy python3-moto | awk '/Candidate:/ {print $2}')
    [[ -n "$version" && "$version" != "(none)" ]] || die "python3-moto is not in $MOTO_SUITE on this mirror"
    log "warning: python3-moto $MOTO_DEB_VERSION is gone from $MOTO_SUITE; using $version (tested with $MOTO_DEB_VERSION)"
  fi
  # apt-get download runs as the _apt user when root; a directory it can write avoids its sandbox warning.
  chmod 0777 "$workdir"
  (cd "$workdir" && private_apt apt-get download -qq "python3-moto=$version" >&2)
  local deb
  deb=$(compgen -G "$workdir/python3-moto_*.deb" | head -n 1) || true
  [[ -n "$deb" ]] || die "apt-get download python3-moto=$version produced no .deb"
  printf '%s\n' "$deb"
}

unpack_moto() {
  local deb=$1 version target staging pythonpath
  version=$(dpkg-deb -f "$deb" Version)
  target="$EMULATOR_HOME/moto-$version"
  staging=$(mktemp -d "$EMULATOR_HOME/.unpack.XXXXXX")
  dpkg -x "$deb" "$staging"
  rm -rf "$target"
  mv "$staging" "$target"
  pythonpath="$target/usr/lib/python3/dist-packages"
  [[ -d "$pythonpath/moto" ]] || die "the python3-moto package has no moto module under usr/lib/python3/dist-packages"
  local failure
  if ! failure=$(run_python "$pythonpath" -c 'import moto.server' 2>&1); then
    die "moto $version does not import with this machine's Python packages:
$failure
Add the Debian package that provides the missing module to APT_DEPENDENCIES in scripts/emulator.sh."
  fi
  printf 'version=%s\npythonpath=%s\n' "$version" "$pythonpath" >"$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
  log "moto $version installed in $target"
}

install_unlocked() {
  if is_installed; then
    log "already installed: moto $(sed -n 's/^version=//p' "$STAMP") in $EMULATOR_HOME"
    return
  fi
  # The python3-* packages bring Debian's python3 with them, so it is checked only after they are in.
  install_apt_dependencies
  [[ -x "$PYTHON" ]] || die "$PYTHON not found: install Debian's python3 (apt-get install python3)"
  local workdir deb
  workdir=$(mktemp -d)
  deb=$(download_moto_deb "$workdir")
  unpack_moto "$deb"
  rm -rf "$workdir"
}

install() {
  mkdir -p "$EMULATOR_HOME"
  # Two installs at once (a developer's shell and a test run) must not unpack over each other. The lock is
  # released when the block ends, so a server started afterwards by `run` does not hold it.
  {
    flock 9
    install_unlocked
  } 9>"$EMULATOR_HOME/.lock"
}

parse_port() {
  local port=$DEFAULT_PORT
  while (($# > 0)); do
    case $1 in
    --port)
      [[ $# -ge 2 ]] || die "--port needs a value"
      port=$2
      shift 2
      ;;
    --port=*)
      port=${1#--port=}
      shift
      ;;
    *) die "unknown option: $1" ;;
    esac
  done
  [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "not a port number: $port"
  printf '%s\n' "$port"
}

serve() {
  local port pythonpath
  port=$(parse_port "$@")
  # Only the cheap check here (serving fast matters to the tests); if an import broke since the install,
  # moto's own traceback says which module, and `install` repairs it.
  is_unpacked || die "moto is not installed: run 'bash scripts/emulator.sh install'"
  pythonpath=$(moto_pythonpath)
  log "moto $(sed -n 's/^version=//p' "$STAMP") on http://$HOST:$port (stop with Ctrl-C); point the SDK at it with:"
  log "  eval \"\$(bash scripts/emulator.sh env --port $port)\""
  # exec: the caller's process id is moto's, so stopping it stops the server. The launcher is moto.server with
  # TransactWriteItems rolled back item by item (moto copies the whole region per transaction; see the file).
  exec env -u PYTHONHOME PYTHONNOUSERSITE=1 PYTHONPATH="$pythonpath" "$PYTHON" \
    "$(dirname "${BASH_SOURCE[0]}")/emulator/moto_server.py" -H "$HOST" -p "$port"
}

print_env() {
  local port
  port=$(parse_port "$@")
  printf 'export AWS_ENDPOINT_URL=http://%s:%s AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n' \
    "$HOST" "$port"
}

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
  local command=${1:-}
  (($# > 0)) && shift
  case $command in
  install) install ;;
  run)
    install
    serve "$@"
    ;;
  serve) serve "$@" ;;
  env) print_env "$@" ;;
  check) is_installed ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    exit 2
    ;;
  esac
}

main "$@"

# Make Stoplight Prism available to the contract tests (sourced by .ci/run).
# Installs Debian's nodejs and npm when the machine has no Node, then the pinned
# @stoplight/prism-cli into a cache outside the repository (reused when present), and exports
# SOCKET_TEST_PRISM, the prism binary. An install that fails is reported and leaves
# SOCKET_TEST_PRISM unset: SOCKET_TEST_PRISM_REQUIRED=1 makes the contract tests fail then
# (tests/contract/conftest.py), where a developer's run without Prism would skip them.
set -euo pipefail
# 5.14.2 is the newest release that runs on Debian 12's Node 18 (5.15 and later need Node 24).
# tests/contract/conftest.py reads this line for its npx fallback.
PRISM_VERSION=5.14.2
# Its dependencies as they were published by then (npm --before), so that every run installs
# the same tree, one that supports Node 18 (jsep 1.6, of October 2026, asks for Node 20.16).
PRISM_DEPS_BEFORE=2025-11-01
export SOCKET_TEST_PRISM_REQUIRED=1
PRISM_DIR="${XDG_CACHE_HOME:-/tmp}/socket-ci-prism-$PRISM_VERSION-$PRISM_DEPS_BEFORE"

prism_works() { # the binary in $1 runs and is the pinned version
    [ -x "$1" ] && [ "$(timeout 60 "$1" --version 2>/dev/null)" = "$PRISM_VERSION" ]
}

prism_install() { # errexit is off inside an `if` condition: every step checks itself
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        echo "Installing Debian's nodejs and npm for Prism"
        export DEBIAN_FRONTEND=noninteractive
        timeout 300 apt-get update -qq >/dev/null \
            || { echo "apt-get update failed" >&2; return 1; }
        timeout 900 apt-get install -y -qq nodejs npm >/dev/null \
            || { echo "apt-get install nodejs npm failed" >&2; return 1; }
    fi
    if prism_works "$PRISM_DIR/node_modules/.bin/prism"; then
        echo "Prism $PRISM_VERSION: reusing $PRISM_DIR"
        return 0
    fi
    local staging started
    mkdir -p "$(dirname "$PRISM_DIR")" && staging=$(mktemp -d "$PRISM_DIR.XXXXXX") || return 1
    started=$SECONDS
    if ! timeout 300 npm install --no-audit --no-fund --loglevel=error \
        --before="$PRISM_DEPS_BEFORE" --prefix "$staging" "@stoplight/prism-cli@$PRISM_VERSION" \
        >/dev/null; then
        echo "npm install @stoplight/prism-cli@$PRISM_VERSION failed or took over 300 s" >&2
        rm -rf "$staging"
        return 1
    fi
    # Moved into place whole, so that an interrupted install is never taken for a cached one.
    rm -rf "$PRISM_DIR" && mv "$staging" "$PRISM_DIR" || { rm -rf "$staging"; return 1; }
    if ! prism_works "$PRISM_DIR/node_modules/.bin/prism"; then
        echo "the installed Prism does not run (Node $(node --version 2>&1))" >&2
        return 1
    fi
    echo "Prism $PRISM_VERSION installed in $((SECONDS - started)) s at $PRISM_DIR"
}

if prism_install; then
    export SOCKET_TEST_PRISM="$PRISM_DIR/node_modules/.bin/prism"
else
    unset SOCKET_TEST_PRISM
    echo "Prism is unavailable: the contract tests (tests/contract) will fail" >&2
fi

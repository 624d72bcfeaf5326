#!/usr/bin/env bash
# Installs the system programs tfscout uses when they are missing: `dot` (Debian's graphviz) for
# rendering graphs, and tmux for the terminal test of the TUI. Needs apt-get and root (or sudo).
set -eu
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "tfscout: warning: missing ${missing[*]}; install them with your package manager" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "tfscout: installing ${missing[*]} with apt-get" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null

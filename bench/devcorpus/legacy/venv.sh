#!/usr/bin/env bash
# Make .venv-gen/ in the repository root: TensorFlow 2.15.1 with tf-slim and tf-keras 2.15.0, the
# interpreter that builds the legacy-* families of the development corpus. It is never one of tfscout's
# dependencies. Does nothing when the venv is already there and imports all three.
#     bash bench/devcorpus/legacy/venv.sh        # then: .venv-gen/bin/python bench/devcorpus/legacy/build.py
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
venv="$root/.venv-gen"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  # TensorFlow 2.15 has wheels for CPython 3.9 to 3.11 only.
  for candidate in python3.11 python3.10 python3.9 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not ((3, 9) <= sys.version_info[:2] <= (3, 11)))'; then
      python="$candidate"; break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "venv.sh: no CPython 3.9-3.11 found; set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
check='import tensorflow as tf, tf_slim, tf_keras; assert tf.__version__ == "2.15.1", tf.__version__'
if [ -x "$venv/bin/python" ] && TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c "$check" 2>/dev/null; then
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$root/bench/devcorpus/legacy/requirements.txt"
TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" -c "$check"
echo "venv.sh: $venv ready"

#!/usr/bin/env bash
# Creates .venv-dbt/ at the repository root with the dbt-core and dbt-postgres versions pinned in
# scripts/requirements-dbt.txt, then prints the dbt version.
#
# Idempotent: when .venv-dbt/ exists and was built from the same requirements file (its sha256 is
# stored in .venv-dbt/.requirements.sha256), nothing is installed again.
#
# With LANDFALL_DBT_LATEST=1 it builds .venv-dbt-latest/ instead, with the newest dbt-core 1.x and dbt-postgres
# 1.x on PyPI (unpinned: the oracle users who install today get), once; the package suites run on it with
# LANDFALL_DBT_BIN=.venv-dbt-latest/bin/dbt to note differences between dbt versions.
#
# Usage: bash scripts/setup-dbt-core.sh        (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${repo_root}/.venv-dbt"
requirements="${repo_root}/scripts/requirements-dbt.txt"
# shellcheck source=scripts/lib/requirements-venv.sh
source "${repo_root}/scripts/lib/requirements-venv.sh"

if [[ "${LANDFALL_DBT_LATEST:-}" == "1" ]]; then
  venv_dir="${repo_root}/.venv-dbt-latest"
  if [[ ! -x "${venv_dir}/bin/dbt" ]]; then
    echo "Installing the newest dbt-core 1.x into ${venv_dir}" >&2
    "${python_bin}" -m venv "${venv_dir}"
    "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 "${LANDFALL_DBT_LATEST_SPEC:-dbt-core>=1.10,<2}" 'dbt-postgres>=1.9,<2'
  fi
  "${venv_dir}/bin/dbt" --version
  exit 0
fi

ensure_requirements_venv "${venv_dir}" "${requirements}" dbt dbt-core --upgrade-pip

"${venv_dir}/bin/dbt" --version

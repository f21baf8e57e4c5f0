#!/usr/bin/env bash
# Creates .venv-dbt/ at the repository root with the dbt-core and dbt-postgres versions pinned in
# scripts/requirements-dbt.txt, then prints the dbt version.
#
# Idempotent: when .venv-dbt/ exists and was built from the same requirements file (its sha256 is
# stored in .venv-dbt/.requirements.sha256), nothing is installed again.
#
# With LANDFALL_DBT_LATEST=1 it builds .venv-dbt-latest/ instead, with the newest dbt-core 1.x and dbt-postgres
# 1.x on PyPI (unpinned: the oracle users who install today get; LANDFALL_DBT_LATEST_SPEC narrows dbt-core); the
# package suites and differential projects run on it with LANDFALL_DBT_BIN=.venv-dbt-latest/bin/dbt. An existing
# .venv-dbt-latest older than the newest release is rebuilt (the versions are printed; offline, it is kept with a
# warning). dbt-core 1.12 requires dbt-core-experimental-parser, whose sdist downloads its binary from github.com
# at build time (no route from CI machines) and which dbt-core only runs under --use-v2-parser (default off):
# scripts/lib/install-dbt-latest.sh installs dbt-core without it, every other requirement as declared.
#
# Usage: bash scripts/setup-dbt-core.sh        (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${repo_root}/.venv-dbt"
requirements="${repo_root}/scripts/requirements-dbt.txt"
# shellcheck source=scripts/lib/requirements-venv.sh
source "${repo_root}/scripts/lib/requirements-venv.sh"

if [[ "${LANDFALL_DBT_LATEST:-}" == "1" ]]; then
  # shellcheck source=scripts/lib/install-dbt-latest.sh
  source "${repo_root}/scripts/lib/install-dbt-latest.sh"
  ensure_latest_dbt_venv "${repo_root}/.venv-dbt-latest" "${LANDFALL_DBT_LATEST_SPEC:-dbt-core>=1.10,<2}" 'dbt-postgres>=1.9,<2'
  "${repo_root}/.venv-dbt-latest/bin/dbt" --version
  exit 0
fi

ensure_requirements_venv "${venv_dir}" "${requirements}" dbt dbt-core --upgrade-pip

"${venv_dir}/bin/dbt" --version

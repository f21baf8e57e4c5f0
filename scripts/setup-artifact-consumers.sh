#!/usr/bin/env bash
# Creates .venv-artifact-consumers/ with the PyPI consumers of dbt's artifacts pinned in
# scripts/requirements-artifact-consumers.txt (dbt-artifacts-parser, dbt-score, dbt-coverage), which the compat suite
# runs on landfall's artifacts and on dbt-core's (tests/compat/artifacts.test.ts). Prints the venv's python path.
#
# Idempotent: when the venv exists and was built from the same requirements file (sha256 in .requirements.sha256),
# nothing is installed again. Their own venv, not .venv-dbt: dbt-score and dbt-core pin different click/pydantic ranges.
#
# Usage: bash scripts/setup-artifact-consumers.sh        (PYTHON=python3.11 to choose the interpreter)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv_dir="${repo_root}/.venv-artifact-consumers"
requirements="${repo_root}/scripts/requirements-artifact-consumers.txt"
# shellcheck source=scripts/lib/requirements-venv.sh
source "${repo_root}/scripts/lib/requirements-venv.sh"

ensure_requirements_venv "${venv_dir}" "${requirements}" python "artifact consumers"
echo "${venv_dir}/bin/python"

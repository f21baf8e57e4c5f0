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
python_bin="${PYTHON:-python3.11}"
command -v "${python_bin}" >/dev/null 2>&1 || python_bin=python3

wanted_hash="$(sha256sum "${requirements}" | cut -d' ' -f1)"
stamp="${venv_dir}/.requirements.sha256"
if [[ -x "${venv_dir}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${wanted_hash}" ]]; then
  echo "artifact consumers already installed in ${venv_dir} (requirements unchanged)" >&2
else
  echo "Installing dbt-artifacts-parser, dbt-score, dbt-coverage into ${venv_dir}" >&2
  rm -rf "${venv_dir}"
  "${python_bin}" -m venv "${venv_dir}"
  "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 -r "${requirements}"
  echo "${wanted_hash}" > "${stamp}"
fi
echo "${venv_dir}/bin/python"

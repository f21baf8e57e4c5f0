# Sourced by scripts/setup-dbt-core.sh and scripts/setup-artifact-consumers.sh: a Python venv built from a pinned
# requirements file, and built again only when that file changes (its sha256 is kept in the venv).
#
# The interpreter: $PYTHON, else python3.11, else python3.
python_bin="${PYTHON:-python3.11}"
command -v "${python_bin}" >/dev/null 2>&1 || python_bin=python3

# ensure_requirements_venv VENV_DIR REQUIREMENTS EXECUTABLE WHAT [--upgrade-pip]
#   EXECUTABLE: the venv's bin/ entry that shows it was installed (e.g. dbt); WHAT: named in the progress lines.
ensure_requirements_venv() {
  local venv_dir="$1" requirements="$2" executable="$3" what="$4" upgrade_pip="${5:-}"
  local wanted_hash stamp
  wanted_hash="$(sha256sum "${requirements}" | cut -d' ' -f1)"
  stamp="${venv_dir}/.requirements.sha256"
  if [[ -x "${venv_dir}/bin/${executable}" && -f "${stamp}" && "$(cat "${stamp}")" == "${wanted_hash}" ]]; then
    echo "${what} already installed in ${venv_dir} (requirements unchanged)" >&2
    return 0
  fi
  echo "Installing ${what} into ${venv_dir} with $(${python_bin} --version)" >&2
  rm -rf "${venv_dir}"
  "${python_bin}" -m venv "${venv_dir}"
  if [[ "${upgrade_pip}" == "--upgrade-pip" ]]; then
    "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 --upgrade pip
  fi
  "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 -r "${requirements}"
  echo "${wanted_hash}" > "${stamp}"
}

# Sourced by scripts/setup-dbt-core.sh (LANDFALL_DBT_LATEST=1): a venv holding the newest dbt-core and adapter that
# match two pip specs, rebuilt when PyPI has a newer release than the one installed.
#
# dbt-core 1.12 declares `dbt-core-experimental-parser>=2.0.0b1`. That package's only distributions from 2.0.0b1 on are
# sdists whose build backend downloads the real wheel from github.com (unreachable from this machine and from CI), and
# dbt-core runs it only as a subprocess under `--use-v2-parser` (default off, dbt/cli/params.py). So dbt-core and the
# adapter are installed with --no-deps, and every other requirement their wheels declare is installed as declared
# (`pip check` then names the one left out). Nothing else of dbt-core is changed.
#
# The interpreter: ${python_bin} from scripts/lib/requirements-venv.sh.

# Requirement lines (one a line) that the given wheels declare, without extras-only ones and without the names given
# after `--skip` (lower case, `-` for `_`).
declared_requirements() {
  "$1" - "${@:2}" <<'PY'
import re, sys, zipfile
args = sys.argv[1:]
wheels, skip = args[:args.index('--skip')], set(args[args.index('--skip') + 1:])
for wheel in wheels:
    archive = zipfile.ZipFile(wheel)
    metadata = next(n for n in archive.namelist() if n.endswith('.dist-info/METADATA'))
    for line in archive.read(metadata).decode().splitlines():
        if not line.startswith('Requires-Dist:'):
            continue
        requirement = line.split(':', 1)[1].strip()
        name = re.split(r'[\s<>=!~;\[(]', requirement, maxsplit=1)[0].lower().replace('_', '-')
        if 'extra ==' not in requirement and name not in skip:
            print(requirement)
PY
}

# The version in a wheel's file name (dbt_core-1.12.6-py3-none-any.whl -> 1.12.6).
wheel_version() { basename "$1" | cut -d- -f2; }

# The installed version of a distribution in a venv, or nothing.
venv_package_version() {
  [[ -x "$1/bin/python" ]] || return 0
  "$1/bin/python" -c 'import importlib.metadata as m, sys; print(m.version(sys.argv[1]))' "$2" 2>/dev/null || true
}

# ensure_latest_dbt_venv VENV_DIR CORE_SPEC ADAPTER_SPEC
ensure_latest_dbt_venv() {
  local venv_dir="$1" core_spec="$2" adapter_spec="$3"
  local pip_python wheels core_wheel adapter_wheel installed_core installed_adapter newest_core newest_adapter
  installed_core="$(venv_package_version "${venv_dir}" dbt-core)"
  installed_adapter="$(venv_package_version "${venv_dir}" dbt-postgres)"
  if [[ -n "${installed_core}" && -x "${venv_dir}/bin/dbt" ]]; then
    pip_python="${venv_dir}/bin/python"
  else
    rm -rf "${venv_dir}"
    "${python_bin}" -m venv "${venv_dir}"
    pip_python="${venv_dir}/bin/python"
    installed_core=""
  fi
  wheels="$(mktemp -d)"
  if ! "${pip_python}" -m pip download --quiet --disable-pip-version-check --retries 5 --timeout 60 --no-deps \
      --only-binary=:all: -d "${wheels}" "${core_spec}" "${adapter_spec}" >&2; then
    rm -rf "${wheels}"
    if [[ -n "${installed_core}" ]]; then
      echo "WARNING: PyPI unreachable; keeping dbt-core ${installed_core} / dbt-postgres ${installed_adapter} in ${venv_dir} (may not be the newest)" >&2
      return 0
    fi
    echo "could not download ${core_spec} and ${adapter_spec} from PyPI" >&2
    return 1
  fi
  core_wheel="$(ls "${wheels}"/dbt_core-*.whl)"
  adapter_wheel="$(ls "${wheels}"/dbt_postgres-*.whl)"
  newest_core="$(wheel_version "${core_wheel}")"
  newest_adapter="$(wheel_version "${adapter_wheel}")"
  if [[ "${installed_core}" == "${newest_core}" && "${installed_adapter}" == "${newest_adapter}" ]]; then
    echo "dbt-core ${installed_core} / dbt-postgres ${installed_adapter} in ${venv_dir}: the newest matching '${core_spec}'" >&2
    rm -rf "${wheels}"
    return 0
  fi
  if [[ -n "${installed_core}" ]]; then
    echo "NOTE: ${venv_dir} has dbt-core ${installed_core} / dbt-postgres ${installed_adapter}; PyPI's newest is ${newest_core} / ${newest_adapter}: rebuilding" >&2
    rm -rf "${venv_dir}"
    "${python_bin}" -m venv "${venv_dir}"
  fi
  echo "Installing dbt-core ${newest_core} and dbt-postgres ${newest_adapter} into ${venv_dir} (without dbt-core-experimental-parser)" >&2
  declared_requirements "${venv_dir}/bin/python" "${core_wheel}" "${adapter_wheel}" --skip dbt-core dbt-postgres dbt-core-experimental-parser > "${wheels}/requirements.txt"
  "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --retries 10 --timeout 60 -r "${wheels}/requirements.txt" >&2
  "${venv_dir}/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps "${core_wheel}" "${adapter_wheel}" >&2
  rm -rf "${wheels}"
}

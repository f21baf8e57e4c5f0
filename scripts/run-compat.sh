#!/usr/bin/env bash
# The dbt-core differential suite: sets up real dbt-core (scripts/setup-dbt-core.sh, pip into .venv-dbt/) and a
# PostgreSQL server (scripts/start-postgres.sh, needs root the first time), then builds every project under
# tests/compat/projects/ with both dbt-core and landfall and compares them. Writes tests/compat/RESULTS.md.
#
# LANDFALL_DBT_LATEST=1 judges landfall with the newest dbt-core 1.x on PyPI instead of the pinned one: it builds (or
# refreshes) .venv-dbt-latest and sets LANDFALL_DBT_BIN to it; the results go to RESULTS.md's `-other-dbt` sections.
# LANDFALL_COMPAT_TESTS picks the test files (default: all of tests/compat).
#
# Usage: bash scripts/run-compat.sh [jest args, e.g. -t jaffle_mart]     (LANDFALL_COMPAT_VERBOSE=1 prints tool logs on a difference)
#        LANDFALL_DBT_LATEST=1 LANDFALL_COMPAT_TESTS="tests/compat/package-suites.test.ts tests/compat/differential.test.ts" bash scripts/run-compat.sh
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
export LANDFALL_COMPAT_DATABASE_URL="$(bash scripts/start-postgres.sh)"
if [[ "${LANDFALL_DBT_LATEST:-}" == "1" ]]; then
  # Prints the versions it judges with (and whether an existing venv was older than PyPI's newest) on stderr.
  LANDFALL_DBT_LATEST=1 bash scripts/setup-dbt-core.sh >&2
  export LANDFALL_DBT_BIN="${repo_root}/.venv-dbt-latest/bin/dbt"
else
  bash scripts/setup-dbt-core.sh >/dev/null
fi
bash scripts/setup-artifact-consumers.sh >/dev/null   # dbt-artifacts-parser, dbt-score, dbt-coverage (tests/compat/artifacts.test.ts)
# shellcheck disable=SC2086 # a list of test paths
LANDFALL_COMPAT=1 npx jest ${LANDFALL_COMPAT_TESTS:-tests/compat} --runInBand "$@"

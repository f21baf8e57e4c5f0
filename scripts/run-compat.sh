#!/usr/bin/env bash
# The dbt-core differential suite: sets up real dbt-core (scripts/setup-dbt-core.sh, pip into .venv-dbt/) and a
# PostgreSQL server (scripts/start-postgres.sh, needs root the first time), then builds every project under
# tests/compat/projects/ with both dbt-core and landfall and compares them. Writes tests/compat/RESULTS.md.
#
# Usage: bash scripts/run-compat.sh [jest args, e.g. -t jaffle_mart]     (LANDFALL_COMPAT_VERBOSE=1 prints tool logs on a difference)
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
export LANDFALL_COMPAT_DATABASE_URL="$(bash scripts/start-postgres.sh)"
bash scripts/setup-dbt-core.sh >/dev/null
bash scripts/setup-artifact-consumers.sh >/dev/null   # dbt-artifacts-parser, dbt-score, dbt-coverage (tests/compat/artifacts.test.ts)
LANDFALL_COMPAT=1 npx jest tests/compat --runInBand "$@"

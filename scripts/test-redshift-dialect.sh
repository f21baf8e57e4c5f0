#!/usr/bin/env bash
# The suites that fit Redshift, in the Redshift dialect on the strict local Data API (LANDFALL_LOCAL_DIALECT=redshift:
# the project compiles for target type redshift, AdvanceRun plans with the Redshift dialect, and the local Data API
# refuses what Redshift refuses, see src/local/README.md):
#   1. the integration tests (the real state machine definitions end to end) and the strict-mode tests;
#   2. the dbt-core differential projects, each built in both dialects and compared (tests/local/sql-engine/
#      redshift-dialect-projects.pglite.test.ts);
#   3. the demo (`landfall demo`), which exits non-zero unless its story ends as written.
# CI runs it from .ci/run with a time limit; each step has its own.
#
# Usage: bash scripts/test-redshift-dialect.sh [jest args]
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
export LANDFALL_LOCAL_DIALECT=redshift
# The 100/1,000-model scale test measures the state machine, not the dialect: it stays in `npm run test:scale`.
timeout 15m npx jest --maxWorkers=2 'tests/integration/(?!transform-run-scale)' \
  tests/local/sql-engine/redshift-strict.test.ts tests/local/sql-engine/redshift-dialect-projects.pglite.test.ts "$@"
demo_dir="$(mktemp -d)"
trap 'rm -rf "${demo_dir}"' EXIT
demo_log="$(mktemp)"
timeout 5m node bin/landfall.js demo --state-dir "${demo_dir}" > "${demo_log}" 2>&1 || { cat "${demo_log}"; echo "landfall demo failed in the Redshift dialect"; exit 1; }
echo "landfall demo passed in the Redshift dialect"

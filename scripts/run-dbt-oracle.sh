#!/usr/bin/env bash
# Proves dbt/ is a valid dbt project with real dbt-core on a real PostgreSQL server:
#   1. clean demo data           -> dbt build passes
#   2. a new sync batch arrives  -> dbt build passes, fct_transfers grows incrementally (delete+insert)
#   3. planted data-quality issue -> dbt build fails on exactly the planted test
#   4. fix applied                -> dbt build passes again
# Exits non-zero when any expectation is not met. Needs root (installs/starts PostgreSQL, see start-postgres.sh).
#
# Usage: bash scripts/run-dbt-oracle.sh      (AS_OF=2026-11-15 to change the demo date)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo_root}"
as_of="${AS_OF:-2026-11-15}"
planted_test="accepted_values_stg_wetransfer_app_db__transfers_status__uploading__active__downloaded__expired__deleted"

database_url="$(bash scripts/start-postgres.sh)"
bash scripts/setup-dbt-core.sh >/dev/null
export DBT_PROFILES_DIR="${repo_root}/dbt"
export LANDFALL_PG_PORT="${LANDFALL_PG_PORT:-54329}"
export LANDFALL_DBT_SCHEMA="${LANDFALL_DBT_SCHEMA:-analytics}"
dbt=(.venv-dbt/bin/dbt --no-use-colors)

step() { echo; echo "=== $*"; }
load() { npx tsx scripts/load-demo-data.ts --url "${database_url}" --as-of "${as_of}" "$@"; }
failed_nodes() {
  .venv-dbt/bin/python -c 'import json,sys
results = json.load(open(sys.argv[1]))["results"]
print(" ".join(sorted(r["unique_id"].split(".")[2] for r in results if r["status"] in ("fail", "error"))))' dbt/target/run_results.json
}
scalar() { psql "${database_url}" -tAc "$1"; }

step "1. clean data: dbt build"
load
"${dbt[@]}" build --project-dir dbt --full-refresh

step "2. new sync batch: incremental dbt build"
load --sync-batch 1
"${dbt[@]}" build --project-dir dbt
transfers="$(scalar "select count(*) from ${LANDFALL_DBT_SCHEMA}_marts.fct_transfers")"
downloaded="$(scalar "select count(*) from ${LANDFALL_DBT_SCHEMA}_marts.fct_transfers f join raw.transfers r on r.id = f.transfer_id where f.status <> r.status")"
echo "fct_transfers rows: ${transfers} (expected 2040); rows out of date with raw: ${downloaded} (expected 0)"
[[ "${transfers}" == 2040 && "${downloaded}" == 0 ]]

step "3. planted issue: dbt build must fail on exactly ${planted_test}"
load --plant-issue
if "${dbt[@]}" build --project-dir dbt --full-refresh; then
  echo "dbt build passed although an issue was planted" >&2
  exit 1
fi
failures="$(failed_nodes)"
echo "failed: ${failures}"
[[ "${failures}" == "${planted_test}" ]]

step "4. fix and replay: dbt build passes"
load --fix-issue
"${dbt[@]}" build --project-dir dbt

echo
echo "dbt-core oracle: all four expectations met"

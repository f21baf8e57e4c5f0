#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the dbt-core oracle and integration tests,
# then prints its connection URL on stdout (and nothing else on stdout).
#
# Idempotent: installs Debian's postgresql only when no server binaries are found, runs initdb only
# when the data folder is empty, and does nothing when the server is already running.
# Needs root for apt-get and to switch to the unprivileged OS user that owns the cluster.
#
# Environment: LANDFALL_PG_PORT (default 54329), LANDFALL_PG_DIR (default /tmp/landfall-pg),
#              LANDFALL_PG_OS_USER (default postgres), LANDFALL_PG_DATABASE (default landfall).
# Usage:       export DATABASE_URL="$(bash scripts/start-postgres.sh)"
#              stop: su postgres -c "pg_ctl -D /tmp/landfall-pg/data stop"
set -euo pipefail

port="${LANDFALL_PG_PORT:-54329}"
base_dir="${LANDFALL_PG_DIR:-/tmp/landfall-pg}"
os_user="${LANDFALL_PG_OS_USER:-postgres}"
database="${LANDFALL_PG_DATABASE:-landfall}"
data_dir="${base_dir}/data"

log() { echo "[start-postgres] $*" >&2; }

find_bin_dir() {
  local candidate
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [[ -n "${candidate}" && -x "${candidate}/initdb" ]]; then echo "${candidate}"; fi
}

bin_dir="$(find_bin_dir)"
if [[ -z "${bin_dir}" ]]; then
  log "PostgreSQL not found; installing Debian's postgresql"
  for attempt in 1 2 3; do
    if apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2; then break; fi
    [[ ${attempt} == 3 ]] && { log "apt-get failed 3 times"; exit 1; }
    log "apt-get failed (attempt ${attempt}); retrying in 10 s"; sleep 10
  done
  bin_dir="$(find_bin_dir)"
fi

id "${os_user}" >/dev/null 2>&1 || useradd --system --create-home "${os_user}"
as_owner() { su "${os_user}" -s /bin/bash -c "$1"; }

mkdir -p "${base_dir}"
chown "${os_user}" "${base_dir}"

if [[ ! -f "${data_dir}/PG_VERSION" ]]; then
  log "initdb in ${data_dir}"
  as_owner "'${bin_dir}/initdb' -D '${data_dir}' -U '${os_user}' --auth=trust --encoding=UTF8 --locale=C.UTF-8" >&2
fi

if as_owner "'${bin_dir}/pg_ctl' -D '${data_dir}' status" >/dev/null 2>&1; then
  log "already running"
else
  log "starting on 127.0.0.1:${port}"
  as_owner "'${bin_dir}/pg_ctl' -D '${data_dir}' -l '${base_dir}/server.log' -w \
    -o \"-p ${port} -c listen_addresses=127.0.0.1 -k '${base_dir}' -c fsync=off\" start" >&2
fi

if ! as_owner "'${bin_dir}/psql' -h 127.0.0.1 -p ${port} -U '${os_user}' -d postgres -tAc \
     \"select 1 from pg_database where datname = '${database}'\"" | grep -q 1; then
  as_owner "'${bin_dir}/createdb' -h 127.0.0.1 -p ${port} -U '${os_user}' '${database}'" >&2
fi

echo "postgres://${os_user}@127.0.0.1:${port}/${database}"

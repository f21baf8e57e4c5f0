#!/usr/bin/env bash
# Package the service for AWS, offline: compile the dbt project for Redshift, write the files generated from it
# (DMS schedules, the S3 rule and its IAM policy), then `osls package`, which writes CloudFormation and zips to
# .serverless/ — esbuild.config.js compiles the project again for the stage's `--param targetSchema` while bundling.
# Usage: scripts/package.sh [stage] [osls options…]   e.g. scripts/package.sh prod --param="targetSchema=analytics_prod"
# Without --param="alertEmail=…" a placeholder address is used for the offline package only (deploys must give one).
set -euo pipefail
cd "$(dirname "$0")/.."
stage="${1:-${STAGE:-dev}}"
shift || true
LANDFALL_DIALECT=redshift LANDFALL_REDSHIFT_WORKGROUP="${LANDFALL_REDSHIFT_WORKGROUP:-package}" \
  node bin/landfall.js compile --out .landfall/aws/landfall-manifest.json
# CloudFormation cannot read the manifest: write what depends on it as files serverless.yml includes.
npx tsx scripts/generate-schedules.ts .landfall/aws/landfall-manifest.json serverless/schedules.resources.yml
npx tsx scripts/generate-s3-routes.ts .landfall/aws/landfall-manifest.json
npx tsx scripts/generate-freshness-lag-alarm.ts dbt serverless/freshness-lag.resources.yml
# Packaging needs no credentials; these keep the SDK from looking for a profile.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-packaging}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-packaging}"
params=()
[[ " $* " == *"alertEmail="* ]] || params+=(--param "alertEmail=package-only@example.invalid")
[[ " $* " == *"redshiftWorkgroup="* || " $* " == *"redshiftCluster="* ]] ||
  params+=(--param "redshiftWorkgroup=package" --param "redshiftWorkgroupId=00000000-0000-0000-0000-000000000000")
npx osls package --stage "$stage" "${params[@]}" "$@"
node scripts/report-package.js

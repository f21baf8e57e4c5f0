#!/usr/bin/env bash
# Package the service for AWS, offline: compile the dbt project for Redshift (the artifact the
# functions embed), then `osls package`, which writes CloudFormation and zips to .serverless/.
# Usage: scripts/package.sh [stage]   (env: LANDFALL_TARGET_SCHEMA, default analytics)
set -euo pipefail
cd "$(dirname "$0")/.."
stage="${1:-${STAGE:-dev}}"
LANDFALL_DIALECT=redshift LANDFALL_REDSHIFT_WORKGROUP="${LANDFALL_REDSHIFT_WORKGROUP:-package}" \
  node bin/landfall.js compile --out .landfall/aws/landfall-manifest.json
# CloudFormation cannot read the manifest: write the DMS schedules (meta.landfall.dms.schedule) as resources.
npx tsx scripts/generate-schedules.ts .landfall/aws/landfall-manifest.json serverless/schedules.resources.yml
# Packaging needs no credentials; these keep the SDK from looking for a profile.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-packaging}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-packaging}"
npx osls package --stage "$stage"
node scripts/report-package.js

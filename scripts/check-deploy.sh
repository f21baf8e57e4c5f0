#!/usr/bin/env bash
# The deployment checks CI runs on a clean clone: package offline, then cfn-lint and checkov on the packaged template
# (findings accepted on purpose are skipped in .cfnlintrc.yaml / .checkov.yaml, each explained in
# docs/security-checks.md), then each function bundle against bench/bundle-budget.json, then each bundle's first call
# against the local stack.
# Tools are pinned and installed into .venv-deploy-checks on first use (PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-deploy-checks
if [ ! -x "$venv/bin/checkov" ] || [ ! -x "$venv/bin/cfn-lint" ]; then
  python3 -m venv "$venv"
  for attempt in 1 2 3; do
    "$venv/bin/pip" install -q 'cfn-lint==1.*' 'checkov==3.*' && break
    [ "$attempt" = 3 ] && exit 1
    sleep 5
  done
fi
bash scripts/package.sh "${1:-dev}"
template=.serverless/cloudformation-template-update-stack.json
echo "--- cfn-lint $("$venv/bin/cfn-lint" --version)"
"$venv/bin/cfn-lint" "$template"
echo "cfn-lint: no findings (accepted: .cfnlintrc.yaml)"
echo "--- checkov $("$venv/bin/checkov" --version)"
"$venv/bin/checkov" --config-file .checkov.yaml -f "$template"
echo "--- bundle budgets"
node scripts/check-bundle-budget.js
# The bundles as shipped, each required and called once against the local stack (Redshift dialect): a bundling
# option that breaks a function fails here, not in AWS.
echo "--- bundles: require + first call of every function (bench/lambda-bundles.ts --runs 1)"
npx tsx bench/lambda-bundles.ts --runs 1 --out /dev/null

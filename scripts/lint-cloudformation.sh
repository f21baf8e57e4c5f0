#!/usr/bin/env bash
# Package offline, then check the CloudFormation with AWS's cfn-lint (installed into .venv-cfn-lint on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv-cfn-lint/bin/cfn-lint ] || { python3 -m venv .venv-cfn-lint && .venv-cfn-lint/bin/pip install -q 'cfn-lint>=1,<2'; }
bash scripts/package.sh "${1:-dev}"
.venv-cfn-lint/bin/cfn-lint .serverless/cloudformation-template-update-stack.json
echo "cfn-lint: no findings"

"""`dbt ls --select X` for many selectors in one Python process (dbt's programmatic runner), so the
project is parsed once: prints {"selector": ["unique_id", ...]} as JSON.
Usage: python dbt_ls.py PROJECT_DIR PROFILES_DIR TARGET_PATH VARS_JSON SELECTOR...
"""
import json
import sys

from dbt.cli.main import dbtRunner

def selection_args(selector):
    """`--selector NAME` entries name a selectors.yml selection; anything else is a --select expression."""
    if selector.startswith("--selector "):
        return ["--selector", selector[len("--selector "):]]
    return ["--select", selector]


project_dir, profiles_dir, target_path, vars_json, *selectors = sys.argv[1:]
runner = dbtRunner()
out = {}
for selector in selectors:
    result = runner.invoke([
        "ls", "--project-dir", project_dir, "--profiles-dir", profiles_dir, "--target-path", target_path,
        "--quiet", "--output", "json", "--output-keys", "unique_id", *selection_args(selector), "--vars", vars_json,
    ])
    if not result.success:
        raise SystemExit(f"dbt ls --select {selector} failed: {result.exception}")
    out[selector] = sorted(json.loads(line)["unique_id"] for line in result.result)
print("DBT_LS_RESULT " + json.dumps(out))

# Shared by scripts/*: create .venv and install archsel (editable) with the named extras.
ensure_venv() {
  local extras="${1:-}"
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  local stamp=".venv/.installed-${extras:-base}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    if [ -n "$extras" ]; then
      .venv/bin/python -m pip install --quiet -e ".[${extras}]"
    else
      .venv/bin/python -m pip install --quiet -e .
    fi
    touch "$stamp"
  fi
}

# Debian's chromium, for the test that opens the HTML report in a real headless browser.
ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  echo "installing chromium (Debian package) for the browser test..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

# The CDK tests synthesize apps: aws-cdk-lib runs on jsii, which needs Node.js (`node`) on PATH.
ensure_nodejs() {
  if command -v node >/dev/null 2>&1; then return 0; fi
  local sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  echo "installing nodejs (Debian package) for the CDK tests..."
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs >/dev/null
}

# checkov in its own virtual environment (.venv-checkov): it pins an older boto3 than archsel, so it
# cannot share .venv. tests/e2e/test_templates_checkov.py runs it from there.
ensure_checkov() {
  if [ -x .venv-checkov/bin/checkov ]; then return 0; fi
  echo "installing checkov into .venv-checkov..."
  python3 -m venv .venv-checkov
  # Pinned: a newer checkov adds checks, and docs/security.md lists the accepted ones by id.
  .venv-checkov/bin/python -m pip install --quiet "checkov==3.3.30"
}

#!/usr/bin/env bash
# The packed-install check (issue #18 "Done when"): what a stranger gets from npm, without a registry.
# Packs every workspace package (each `prepack` rebuilds it), installs the CLI with plugins from the
# tarballs into an empty `npm --prefix` outside the repository, and drives it from an empty directory:
# --help, plugins, real runs of the example plugin's harness, OpenTelemetry absent until its package
# is added (then a run's trace reaches the testkit's OTLP receiver), omnigent demo, and the example
# plugin's conformance suite from its tarball in a separate project. One PASS/FAIL line per step;
# exits 1 if any step failed. Needs: node, npm, pnpm, the npm registry (vitest, @opentelemetry/api).
#   bash scripts/pack-smoke.sh            (KEEP=1 keeps the scratch directory for a look afterwards)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/omnigent-pack-smoke.XXXXXX")
PACKS="$WORK/packs" PREFIX="$WORK/prefix" HERE="$WORK/outside" LOGS="$WORK/logs"
mkdir -p "$PACKS" "$PREFIX" "$HERE" "$LOGS"
cleanup() { if [ "${KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# The install must not see the repository, the user's global packages or their config.
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false npm_config_loglevel=warn
export OMNIGENT_STORE="$WORK/store" NO_COLOR=1
unset OMNIGENT_TELEMETRY_ENABLED OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
# The harness CLIs "the user has": the real ones this workspace installed, on PATH (not part of omnigent).
HARNESS_BIN="$WORK/harness-bin"
mkdir -p "$HARNESS_BIN"
for pair in claude:plugin-claude-code codex:plugin-codex pi:plugin-pi; do
  bin=${pair%%:*} dir=${pair#*:}
  [ -x "$ROOT/plugins/$dir/node_modules/.bin/$bin" ] && printf '#!/bin/sh\nexec "%s" "$@"\n' "$ROOT/plugins/$dir/node_modules/.bin/$bin" > "$HARNESS_BIN/$bin" && chmod +x "$HARNESS_BIN/$bin"
done
export PATH="$PREFIX/bin:$HARNESS_BIN:$PATH"

failures=0
pass() { echo "PASS $1"; }
fail() {
  echo "FAIL $1"
  [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 25 "$2" | sed 's/^/    | /'
  failures=$((failures + 1))
}
# step <name> <log> <command…>: PASS when the command exits 0; the log's tail is shown on failure.
step() {
  local name=$1 log=$2
  shift 2
  if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name" "$log"; fi
}
tgz() { ls "$PACKS"/"$1"-[0-9]*.tgz 2>/dev/null | head -n 1; }
started=$(date +%s)

# 1. Pack: every package, each rebuilt by its prepack. A file left in a dist by an earlier build (a source
# since renamed or deleted) must not reach a tarball: plant one and check below.
if [ -d "$ROOT/packages/core/dist" ]; then echo 'export const stale = true;' >"$ROOT/packages/core/dist/stale-leftover.js"; fi
if (cd "$ROOT" && pnpm -r pack --pack-destination "$PACKS") >"$LOGS/pack.log" 2>&1; then
  pass "pnpm -r pack: $(ls "$PACKS" | wc -l | tr -d ' ') tarballs"
else
  fail "pnpm -r pack" "$LOGS/pack.log"
  echo "RESULT: FAIL (nothing to install)"
  exit 1
fi

check_tarballs() {
  local bad=0 f listing manifest
  for f in "$PACKS"/*.tgz; do
    listing=$(tar tzf "$f")
    manifest=$(tar xzf "$f" -O package/package.json)
    for want in package/LICENSE package/README.md package/package.json; do
      grep -qx "$want" <<<"$listing" || { echo "$(basename "$f"): no ${want#package/}"; bad=1; }
    done
    grep -q '^package/dist/' <<<"$listing" || { echo "$(basename "$f"): no dist/ (unbuilt)"; bad=1; }
    grep -q '\.map$' <<<"$listing" && { echo "$(basename "$f"): ships .map files"; bad=1; }
    grep -q 'stale-leftover' <<<"$listing" && { echo "$(basename "$f"): ships a stale file from an earlier build"; bad=1; }
    grep -q '"license": "Apache-2.0"' <<<"$manifest" || { echo "$(basename "$f"): no Apache-2.0 license field"; bad=1; }
    grep -qE '"(workspace|catalog):' <<<"$manifest" && { echo "$(basename "$f"): workspace:/catalog: range left in package.json"; bad=1; }
  done
  return $bad
}
step "every tarball has dist, README, LICENSE, the licence field; no source maps, stale build files or workspace ranges" "$LOGS/tarballs.log" check_tarballs

CLI=$(tgz omnigent) CORE=$(tgz omnigent-core) ECHO=$(tgz omnigent-plugin-echo)
CLAUDE=$(tgz omnigent-plugin-claude-code) TESTKIT=$(tgz omnigent-testkit) OTEL=$(tgz omnigent-telemetry-otel)
# The CLI's own @omnigent/* dependencies, read from its packed manifest (nothing is on the registry).
CLI_DEPS=$(tar xzf "$CLI" -O package/package.json | node -e '
  const deps = JSON.parse(require("fs").readFileSync(0, "utf8")).dependencies ?? {};
  console.log(Object.keys(deps).filter((d) => d.startsWith("@omnigent/")).map((d) => d.slice(1).replace("/", "-")).join(" "));')
CLI_TGZS=()
for d in $CLI_DEPS; do CLI_TGZS+=("$(tgz "$d")"); done

# 2. Install the CLI with the example plugin and the Claude Code plugin into an empty prefix.
cd "$HERE"
step "npm install -g --prefix <empty> omnigent + omnigent-plugin-echo + @omnigent/plugin-claude-code (CLI deps: ${CLI_DEPS:-none})" "$LOGS/install.log" \
  npm install -g --prefix "$PREFIX" "$CLI" "$CORE" "${CLI_TGZS[@]}" "$ECHO" "$CLAUDE"
if grep -q EBADENGINE "$LOGS/install.log"; then fail "no EBADENGINE warning on Node $(node --version)" "$LOGS/install.log"; else pass "no EBADENGINE warning on Node $(node --version)"; fi
cores=$(find "$PREFIX/lib/node_modules" -path '*/@omnigent/core/package.json' | wc -l | tr -d ' ')
if [ "$cores" = 1 ]; then pass "one copy of @omnigent/core in the install"; else echo "    ($cores copies: $(find "$PREFIX/lib/node_modules" -path '*/@omnigent/core/package.json' | sed "s#$PREFIX/##" | tr '\n' ' '))"; fail "one copy of @omnigent/core in the install"; fi
echo "    install size: $(du -sh "$PREFIX" | cut -f1), $(find "$PREFIX/lib/node_modules" -name package.json -not -path '*/dist/*' -path '*node_modules/*/package.json' | grep -cvE 'node_modules/.*/node_modules/.*/(test|fixtures)/') package.json files"

check_help() { omnigent --help && omnigent --help | grep -q 'omnigent run'; }
step "omnigent --help" "$LOGS/help.log" check_help

check_plugins() { omnigent plugins && omnigent plugins | grep -q 'omnigent-plugin-echo' && omnigent plugins | grep -q 'plugin-claude-code'; }
step "omnigent plugins lists echo (omnigent-plugin-echo) and claude-code" "$LOGS/plugins.log" check_plugins

check_doctor() { omnigent doctor && omnigent doctor | grep -q 'echo'; }
step "omnigent doctor reports the echo harness" "$LOGS/doctor.log" check_doctor

# 3. Real runs of the example plugin's own harness CLI.
check_run_json() {
  omnigent run -H echo --json "hello from the packed install" >"$WORK/run.jsonl" || return 1
  node -e '
    const events = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const types = events.map((e) => e.type);
    console.log(types.join(" "));
    const last = events.at(-1);
    if (types[0] !== "session.started" || !types.includes("tool.completed") || last.type !== "run.completed") process.exit(1);
    if (!String(last.result).includes("hello from the packed install")) process.exit(1);' "$WORK/run.jsonl"
}
step "omnigent run -H echo --json ends with run.completed (session, tool call, answer)" "$LOGS/run.log" check_run_json

check_run_fail() {
  omnigent run -H echo "please fail" && return 1
  [ $? -eq 1 ]
}
step "omnigent run -H echo on a failing run exits 1" "$LOGS/run-fail.log" check_run_fail

# 4. OpenTelemetry is not installed with the CLI.
check_no_otel() {
  local found
  found=$(find "$PREFIX/lib/node_modules" -type d \( -name '@opentelemetry' -o -path '*/@omnigent/telemetry-otel' \) | sed "s#$PREFIX/##")
  [ -z "$found" ] || { echo "installed with the CLI: $found"; return 1; }
}
step "OpenTelemetry absent from the install (no @opentelemetry/*, no @omnigent/telemetry-otel)" "$LOGS/no-otel.log" check_no_otel

check_telemetry_missing() {
  OMNIGENT_TELEMETRY_ENABLED=true OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9 omnigent run -H echo "telemetry on, package missing" || return 1
}
step "telemetry on without @omnigent/telemetry-otel: the run still completes" "$LOGS/telemetry-missing.log" check_telemetry_missing
if grep -q 'npm install -g @omnigent/telemetry-otel\|@omnigent/telemetry-otel' "$LOGS/telemetry-missing.log"; then
  pass "telemetry on without its package names @omnigent/telemetry-otel"
else
  fail "telemetry on without its package names @omnigent/telemetry-otel" "$LOGS/telemetry-missing.log"
fi

# 5. omnigent demo from the npm install (with the testkit, and the harness CLIs on PATH).
step "npm install -g @omnigent/testkit" "$LOGS/install-testkit.log" npm install -g --prefix "$PREFIX" "$TESTKIT" "$CORE"
check_demo() { timeout 150 omnigent demo </dev/null; }
if check_demo >"$LOGS/demo.log" 2>&1; then
  pass "omnigent demo"
  # it ends with the eval shipped in the package: the scripted model that fixes the bug passes
  if grep -Eq '^claude-code/claude-sonnet-4-5/agent +1 +1 +100%' "$LOGS/demo.log" &&
    grep -Eq '^claude-code/claude-haiku-4-5/agent +1 +0 +0%' "$LOGS/demo.log"; then
    pass "omnigent demo ends with its eval (the fixing model passes, the other fails)"
  else
    fail "omnigent demo ends with its eval" "$LOGS/demo.log"
  fi
elif grep -q 'omnigent demo runs from a clone' "$LOGS/demo.log"; then
  # tolerated until the CLI ships what the demo needs (issue #18): this omnigent still needs a clone
  echo "SKIP omnigent demo: this omnigent still runs the demo only from a clone (tolerated)"
  tail -n 3 "$LOGS/demo.log" | sed 's/^/    | /'
else
  fail "omnigent demo" "$LOGS/demo.log"
fi

# 6. Add telemetry: a run's trace reaches the testkit's OTLP receiver.
step "npm install -g @omnigent/telemetry-otel" "$LOGS/install-otel.log" npm install -g --prefix "$PREFIX" "$OTEL" "$CORE"
# The receiver and the run share one node process, so the run is pointed at the receiver's port.
check_trace() {
  node --input-type=module -e '
    import { spawn } from "node:child_process";
    import { pathToFileURL } from "node:url";
    const { startOtlpReceiver } = await import(pathToFileURL(process.argv[1]).href);
    const receiver = await startOtlpReceiver({ requireExperimentHeader: false });
    try {
      const code = await new Promise((resolve) => {
        const child = spawn("omnigent", ["run", "-H", "echo", "traced hello"], {
          stdio: ["ignore", "inherit", "inherit"],
          env: { ...process.env, OMNIGENT_TELEMETRY_ENABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" },
        });
        child.on("close", resolve);
      });
      if (code !== 0) throw new Error(`omnigent run exited ${code}`);
      const spans = await receiver.waitForSpans(2, 15000);
      const names = spans.map((s) => s.name);
      console.log(`spans received: ${names.join(", ")}`);
      if (!names.some((n) => n.startsWith("invoke_agent"))) throw new Error("no invoke_agent span");
    } finally {
      await receiver.close();
    }' "$PREFIX/lib/node_modules/@omnigent/testkit/dist/index.js"
}
step "with @omnigent/telemetry-otel added, a run's trace reaches the testkit OTLP receiver" "$LOGS/trace.log" check_trace
[ -f "$LOGS/trace.log" ] && grep '^spans received' "$LOGS/trace.log" | sed 's/^/    /'

# 7. The example plugin's conformance suite from its tarball, in a separate project.
check_conformance() {
  local proj="$WORK/plugin-author"
  mkdir -p "$proj" && cd "$proj" || return 1
  printf '{ "name": "conformance-check", "private": true, "type": "module" }\n' >package.json
  npm install --no-package-lock "$ECHO" "$CORE" "$TESTKIT" "vitest@$(node -p 'require(process.argv[1]).version' "$ROOT/node_modules/vitest/package.json" 2>/dev/null || echo 4)" || return 1
  grep -q EBADENGINE <<<"$(npm ls 2>&1)" && return 1
  cat >conformance.test.js <<'EOF'
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describeHarnessConformance } from '@omnigent/testkit/conformance';
import echo from 'omnigent-plugin-echo';

const dir = dirname(createRequire(import.meta.url).resolve('omnigent-plugin-echo/package.json'));
const fixture = (name) => join(dir, 'fixtures', name);
describeHarnessConformance(echo, [
  { name: 'hello', transcript: fixture('hello.jsonl'), expect: 'completed' },
  { name: 'fail', transcript: fixture('fail.jsonl'), exitCode: 2, stderr: 'omnigent-echo: echo was asked to fail', expect: 'failed' },
  { name: 'cut short', transcript: readFileSync(fixture('hello.jsonl'), 'utf8').trim().split('\n').slice(0, -1), expect: 'failed' },
]);
EOF
  npx vitest run --reporter=verbose conformance.test.js
}
step "omnigent-plugin-echo passes the conformance suite from its tarball (npm project + vitest)" "$LOGS/conformance.log" check_conformance
grep -E 'Tests +[0-9]' "$LOGS/conformance.log" | sed 's/\x1b\[[0-9;]*m//g; s/^/    /'

echo "took $(( $(date +%s) - started )) s; logs in $LOGS$([ "${KEEP:-}" = 1 ] || echo ' (deleted; KEEP=1 keeps them)')"
if [ "$failures" -gt 0 ]; then
  echo "RESULT: FAIL ($failures step(s) failed)"
  exit 1
fi
echo "RESULT: PASS"

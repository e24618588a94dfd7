#!/usr/bin/env bash
# Installs the real agent CLIs that orch's built-in presets drive (claude, codex, gemini) into a cache
# folder outside the repo, for tests/agents/real-clis.test.ts. Idempotent: when the pinned versions are
# already there it installs nothing. The last line of stdout is the bin folder to put on PATH:
#   PATH="$(tests/agents/install-agents.sh | tail -n 1):$PATH"
#
# Versions are pinned to the newest that runs on Node >= 20.19 (orch's engines), checked with
# `npm view <pkg>@<version> engines`:
#   @anthropic-ai/claude-code 2.1.197: 2.1.198 and later need node >=22.0.0
#   @openai/codex             0.171.0: node >=16 (a native binary in an optional platform package)
#   @google/gemini-cli        0.61.0:  node >=20
# Override one with CLAUDE_CODE_VERSION, CODEX_VERSION or GEMINI_CLI_VERSION.
set -euo pipefail

dir="${ORCH_AGENTS_DIR:-$HOME/.cache/orch-agents}"
packages=(
	"@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION:-2.1.197}"
	"@openai/codex@${CODEX_VERSION:-0.171.0}"
	"@google/gemini-cli@${GEMINI_CLI_VERSION:-0.61.0}"
)
bins=(claude codex gemini)

log() { printf 'install-agents: %s\n' "$*" >&2; }

# The version npm installed for a package in the cache, or nothing.
installed_version() {
	local manifest="$dir/node_modules/$1/package.json"
	[[ -f "$manifest" ]] || return 0
	node -e 'process.stdout.write(String(require(process.argv[1]).version ?? ""))' "$manifest"
}

missing=()
for spec in "${packages[@]}"; do
	name="${spec%@*}"
	want="${spec##*@}"
	have="$(installed_version "$name")"
	if [[ "$have" != "$want" ]]; then
		missing+=("$spec")
		log "$name: ${have:-not installed}, want $want"
	fi
done
for bin in "${bins[@]}"; do
	if [[ ! -x "$dir/node_modules/.bin/$bin" ]] && ((${#missing[@]} == 0)); then
		log "$bin: no executable in $dir/node_modules/.bin; reinstalling"
		missing=("${packages[@]}")
	fi
done

if ((${#missing[@]} > 0)); then
	mkdir -p "$dir"
	# A package.json of its own, so npm never climbs to a project above the cache folder.
	[[ -f "$dir/package.json" ]] || printf '{\n  "name": "orch-agents",\n  "private": true\n}\n' >"$dir/package.json"
	log "installing into $dir: ${missing[*]}"
	started=$SECONDS
	npm install --prefix "$dir" --no-audit --no-fund --save-exact "${missing[@]}" >&2
	log "installed in $((SECONDS - started))s ($(du -sh "$dir" | cut -f1))"
else
	log "already installed in $dir"
fi

# claude's postinstall puts its native binary in place of a stub; an npm that holds back install scripts
# (allowScripts) leaves the stub, so run it here when claude does not answer.
claude_package="$dir/node_modules/@anthropic-ai/claude-code"
if ! "$dir/node_modules/.bin/claude" --version >/dev/null 2>&1 && [[ -f "$claude_package/install.cjs" ]]; then
	log "claude does not run: running its postinstall"
	(cd "$claude_package" && node install.cjs) >&2
fi

for bin in "${bins[@]}"; do
	if ! version="$("$dir/node_modules/.bin/$bin" --version </dev/null 2>/dev/null)"; then
		log "$bin does not run from $dir/node_modules/.bin after the install"
		exit 1
	fi
	log "$bin: ${version%%$'\n'*}"
done

printf '%s\n' "$dir/node_modules/.bin"

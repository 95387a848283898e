#!/usr/bin/env bash
# Walks the demo in a real terminal (tmux) and saves text captures of its screens to docs/screens/.
# Usage: npm run build && bash scripts/capture-screens.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/screens
home=$(mktemp -d)
socket="aml-identity-capture-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
mkdir -p "$out"

tmux -L "$socket" new-session -d -s demo -x 110 -y 50 \
	"env -u CI AML_IDENTITY_HOME=$home AML_IDENTITY_DEMO_LRO_MS=6000 node dist/bundle/aml-identity.js demo; sleep 30"

screen() { tmux -L "$socket" capture-pane -p -t demo; }
wait_for() {
	for _ in $(seq 1 150); do
		if screen | grep -qF -- "$1"; then sleep 0.2; return 0; fi
		sleep 0.1
	done
	echo "capture-screens: timed out waiting for \"$1\"; screen was:" >&2
	screen >&2
	exit 1
}
press() { for key in "$@"; do tmux -L "$socket" send-keys -t demo "$key"; sleep 0.15; done; }
save() { screen | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$out/$1.txt"; echo "saved $out/$1.txt"; }

wait_for 'Start a new setup'; save 01-welcome
press Enter; wait_for 'Contoso ML Production'; press Down Down Enter
wait_for 'mlw-fraud-prod'; save 02-workspace
press Down Enter; wait_for 'What do you want'; save 03-scenario
press Enter; wait_for 'Yes, I do not'; save 04-options
press Down Enter; wait_for 'Plan:'; save 05-plan
press Enter; wait_for 'operation InProgress'; save 06-run
wait_for 'complete and verified'; save 07-summary
press b; wait_for 'Behind step'; save 08-behind
press Enter

#!/usr/bin/env bash
# The Loop 2 consensus round of the demo (demo/consensus-round.ts), in bash with the rendezvous CLI
# only: a product owner and three validators, four processes, each its own agent (docs/cli.md#agents).
#
#   REDIS_URL=redis://127.0.0.1:6379 BLOCKING_COORDINATION_SECRET=$(openssl rand -hex 32) examples/shell-consensus.sh
#   DEMO_CONFIDENCES=0.8,0.85,0.9 ...                      a round that ends in DEFER
#   RENDEZVOUS_CLI="node dist/cli/main.js" ...             the CLI to run (default: npx rendezvous)
#
# The owner sends each validator a signed `validate` signal and waits for its ACK; each validator
# waits for its signal, acknowledges it, "validates", and answers with a signed `completion`
# signal; the owner waits for the three answers, acknowledges them and decides: PROCEED when the
# average confidence is at least 0.90, else DEFER. Needs bash, jq and a Redis.
set -euo pipefail

: "${REDIS_URL:?set REDIS_URL: the agents of the four processes meet in one Redis}"
: "${BLOCKING_COORDINATION_SECRET:?set BLOCKING_COORDINATION_SECRET (openssl rand -hex 32)}"
read -r -a RDV <<<"${RENDEZVOUS_CLI:-npx rendezvous}"
SWARM=${SWARM:-shell-swarm-$$}
OWNER=product-owner
VALIDATORS=(validator-1 validator-2 validator-3)
ITERATION=1
IFS=, read -r -a CONFIDENCES <<<"${DEMO_CONFIDENCES:-0.95,0.92,0.88}"
# The demo's fixed answers, overlapping on purpose so the owner has something to de-duplicate.
RECOMMENDATIONS=(
  '["Rate-limit the login endpoint","Rotate the JWT signing key every 90 days"]'
  '["Rotate the JWT signing key every 90 days","Add integration tests for token refresh"]'
  '["Add integration tests for token refresh","Rate-limit the login endpoint","Log failed logins"]'
)
WORK=$(mktemp -d)
export RENDEZVOUS_AGENT_DIR=${RENDEZVOUS_AGENT_DIR:-$WORK/agents}
export RENDEZVOUS_LOG_LEVEL=${RENDEZVOUS_LOG_LEVEL:-warn}

rdv() { "${RDV[@]}" "$@"; }
step() { printf '%-14s %s\n' "$1" "$2"; }

# Starts this process's agent (its identity: one coordinator, heartbeating) and stops it on exit.
AGENT_PID=
start_agent() {
  # Not through rdv(): a function in the background is a subshell, and $! would not be the agent.
  "${RDV[@]}" agent run --id "$1" --swarm "$SWARM" --phase loop2 --iteration "$ITERATION" >/dev/null 2>>"$WORK/$1.log" &
  AGENT_PID=$!
  trap stop_agent EXIT
  rdv agent ready --id "$1" --timeout 20s >/dev/null
}
stop_agent() {
  if [[ -n $AGENT_PID ]]; then
    kill -TERM "$AGENT_PID" 2>/dev/null || true
    wait "$AGENT_PID" 2>/dev/null || true
  fi
}

validator() {
  local id=$1 index=$2 request message sender result
  start_agent "$id"
  step "$id" 'waits for a validate signal'
  request=$(rdv agent wait --id "$id" --type validate --iteration "$ITERATION" --timeout 20s)
  message=$(jq -r .messageId <<<"$request")
  sender=$(jq -r .senderId <<<"$request")
  step "$id" "<- validate from $sender: $(jq -r .payload.task <<<"$request") (signature verified)"
  rdv agent ack --id "$id" "$message" >/dev/null
  step "$id" "-> ACK to $sender"
  result=$(jq -nc --argjson c "${CONFIDENCES[$index]}" --argjson r "${RECOMMENDATIONS[$index]}" '{confidence: $c, recommendations: $r}')
  rdv agent send --id "$id" --to "$sender" --type completion --iteration "$ITERATION" --payload "$result" >/dev/null
  step "$id" "-> completion to $sender, confidence ${CONFIDENCES[$index]}"
}

owner() {
  local task="task-$$" id sent message retry answer answers=()
  start_agent "$OWNER"
  local request
  request=$(jq -nc --arg t "$task" '{taskId: $t, task: "Add JWT authentication to the API", criteria: ["security", "test coverage", "operability"]}')
  declare -A messages
  for id in "${VALIDATORS[@]}"; do
    # Same key, same receiver: a resend is recognised and not delivered twice.
    sent=$(rdv agent send --id "$OWNER" --to "$id" --type validate --iteration "$ITERATION" --payload "$request" --idempotency-key "$task.validate.$ITERATION")
    messages[$id]=$(jq -r .messageId <<<"$sent")
    step "$OWNER" "-> $id: validate, iteration $ITERATION (messageId ${messages[$id]})"
  done
  retry=$(rdv agent send --id "$OWNER" --to "${VALIDATORS[0]}" --type validate --iteration "$ITERATION" --payload "$request" --idempotency-key "$task.validate.$ITERATION")
  step "$OWNER" "-> ${VALIDATORS[0]}: the same send again (a retry): isDuplicate=$(jq -r .isDuplicate <<<"$retry")"

  for id in "${VALIDATORS[@]}"; do
    rdv agent wait-acks --id "$OWNER" "${messages[$id]}" --from "$id" --timeout 20s >/dev/null
    step "$OWNER" "<- ACK from $id (signature verified)"
  done

  step "$OWNER" "waits for all ${#VALIDATORS[@]} answers (completion, iteration $ITERATION)"
  for id in "${VALIDATORS[@]}"; do
    answer=$(rdv agent wait --id "$OWNER" --from "$id" --type completion --iteration "$ITERATION" --timeout 20s)
    rdv agent ack --id "$OWNER" "$(jq -r .messageId <<<"$answer")" --status processed >/dev/null
    step "$OWNER" "<- completion from $id (confidence $(jq -r .payload.confidence <<<"$answer")); ACK processed"
    answers+=("$answer")
  done

  printf '%s\n' "${answers[@]}" | jq -rs '
    (map(.payload.confidence) | (add / length * 1000 | round) / 1000) as $average
    | (if $average >= 0.9 then "PROCEED" else "DEFER" end) as $decision
    | (map(.payload.recommendations[])) as $all
    | (reduce $all[] as $r ([]; if index([$r]) == null then . + [$r] else . end)) as $unique
    | "",
      "Decision: \($decision) (average confidence \($average) \(if $decision == "PROCEED" then ">=" else "<" end) 0.90)",
      (.[] | "  \(.senderId): confidence \(.payload.confidence)"),
      "Recommendations (\($unique | length) unique of \($all | length)):",
      ($unique[] | "  - \(.)")'
}

cleanup() {
  stop_agent
  for pid in "${VALIDATOR_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}

VALIDATOR_PIDS=()
for index in "${!VALIDATORS[@]}"; do
  (validator "${VALIDATORS[$index]}" "$index") &
  VALIDATOR_PIDS+=($!)
done
trap cleanup EXIT
(owner)
for pid in "${VALIDATOR_PIDS[@]}"; do wait "$pid"; done

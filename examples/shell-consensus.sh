#!/usr/bin/env bash
# The demo's consensus round (CFN Loop 2, then the Loop 4 decision) in bash with the rendezvous CLI
# only: a product owner and three validators, four processes, each its own agent (docs/cli.md#agents).
# It speaks the round's wire format (docs/workflows.md#the-round-on-the-wire), so either side can be
# the library's instead: a ProductOwner can run the round these validators serve, and the reverse.
#
#   REDIS_URL=redis://127.0.0.1:6379 BLOCKING_COORDINATION_SECRET=$(openssl rand -hex 32) examples/shell-consensus.sh
#   DEMO_CONFIDENCES=0.8,0.85,0.9 ...                      a round that ends in DEFER
#   ROLES=validators ...                                   only the validators (serve one round of another owner)
#   RENDEZVOUS_CLI="node dist/cli/main.js" ...             the CLI to run (default: npx rendezvous)
#
# The owner sends each validator a signed `validate` request, payload {"round": ..., "task": ...},
# idempotency key <round>.<iteration>; each validator answers in the signed ACK of the request:
# status `validated`, result {"confidence": ..., "recommendations": [...]}. The owner waits for
# every answer and decides: PROCEED when the mean confidence is at least 0.90, DEFER below,
# ESCALATE when a validator did not answer in time. Needs bash, jq and a Redis.
set -euo pipefail

: "${REDIS_URL:?set REDIS_URL: the agents of the four processes meet in one Redis}"
: "${BLOCKING_COORDINATION_SECRET:?set BLOCKING_COORDINATION_SECRET (openssl rand -hex 32)}"
read -r -a RDV <<<"${RENDEZVOUS_CLI:-npx rendezvous}"
SWARM=${SWARM:-shell-swarm-$$}
ROLES=${ROLES:-owner,validators}
OWNER=product-owner
VALIDATORS=(validator-1 validator-2 validator-3)
ROUND=${ROUND:-task-$$}
ITERATION=1
TIMEOUT_S=${ROUND_TIMEOUT_S:-20}  # how long the round waits for every answer, seconds
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

# A validator: wait for a round request, "validate", answer in the ACK (the request stays in the
# inbox until the answer is stored: a validator killed meanwhile hands it to its replacement).
validator() {
  local id=$1 index=$2 request message sender verdict
  start_agent "$id"
  step "$id" 'waits for a round request (validate)'
  request=$(rdv agent wait --id "$id" --type validate --iteration "$ITERATION" --timeout "${TIMEOUT_S}s")
  message=$(jq -r .messageId <<<"$request")
  sender=$(jq -r .senderId <<<"$request")
  step "$id" "<- validate from $sender, round $(jq -r .payload.round <<<"$request"): $(jq -r '.payload.task | if type == "object" and has("task") then .task else tojson end' <<<"$request") (signature verified)"
  verdict=$(jq -nc --argjson c "${CONFIDENCES[$index]}" --argjson r "${RECOMMENDATIONS[$index]}" '{confidence: $c, recommendations: $r}')
  rdv agent ack --id "$id" "$message" --status validated --result "$verdict" >/dev/null
  step "$id" "-> answer in the signed ACK: validated, confidence ${CONFIDENCES[$index]}"
}

owner() {
  local id sent retry ack answers=() missing=()
  start_agent "$OWNER"
  local request
  request=$(jq -nc --arg round "$ROUND" '{round: $round, task: {task: "Add JWT authentication to the API", criteria: ["security", "test coverage", "operability"]}}')
  declare -A messages
  for id in "${VALIDATORS[@]}"; do
    # The round's key: a restarted owner's send to the same validator is a duplicate, never a second request.
    sent=$(rdv agent send --id "$OWNER" --to "$id" --type validate --iteration "$ITERATION" --payload "$request" --idempotency-key "$ROUND.$ITERATION")
    messages[$id]=$(jq -r .messageId <<<"$sent")
    step "$OWNER" "-> $id: validate, round $ROUND, iteration $ITERATION (messageId ${messages[$id]})"
  done
  retry=$(rdv agent send --id "$OWNER" --to "${VALIDATORS[0]}" --type validate --iteration "$ITERATION" --payload "$request" --idempotency-key "$ROUND.$ITERATION")
  step "$OWNER" "-> ${VALIDATORS[0]}: the same send again (a restarted owner): isDuplicate=$(jq -r .isDuplicate <<<"$retry")"

  step "$OWNER" "blocks until all ${#VALIDATORS[@]} validators answer"
  local deadline=$((SECONDS + TIMEOUT_S)) left
  for id in "${VALIDATORS[@]}"; do
    left=$((deadline - SECONDS)); ((left >= 1)) || left=1  # one deadline for the round, not one per validator
    if ack=$(rdv agent wait-acks --id "$OWNER" "${messages[$id]}" --from "$id" --timeout "${left}s") && [[ $(jq -r .status <<<"$ack") == validated ]]; then
      step "$OWNER" "<- answer from $id: confidence $(jq -r .result.confidence <<<"$ack") (ACK signature verified)"
      answers+=("$ack")
    else
      step "$OWNER" "<- no answer from $id"
      missing+=("$id")
    fi
  done

  if ((${#missing[@]} > 0)); then
    printf '\nDecision: ESCALATE (%d of %d validators answered; missing %s)\n' "${#answers[@]}" "${#VALIDATORS[@]}" "${missing[*]}"
    return
  fi
  printf '%s\n' "${answers[@]}" | jq -rs '
    (map(.result.confidence) | (add / length * 1000 | round) / 1000) as $consensus
    | (if $consensus >= 0.9 then "PROCEED" else "DEFER" end) as $decision
    | (map(.result.recommendations[])) as $all
    | (reduce $all[] as $r ([]; if index([$r]) == null then . + [$r] else . end)) as $unique
    | "",
      "Decision: \($decision) (consensus \($consensus) \(if $decision == "PROCEED" then ">=" else "<" end) 0.90)",
      (.[] | "  \(.coordinatorId): confidence \(.result.confidence)"),
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
if [[ ,$ROLES, == *,validators,* ]]; then
  for index in "${!VALIDATORS[@]}"; do
    (validator "${VALIDATORS[$index]}" "$index") &
    VALIDATOR_PIDS+=($!)
  done
fi
trap cleanup EXIT
if [[ ,$ROLES, == *,owner,* ]]; then (owner); fi
for pid in "${VALIDATOR_PIDS[@]}"; do wait "$pid"; done

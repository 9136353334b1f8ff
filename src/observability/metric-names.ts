/**
 * Every metric Rendezvous exports: name, type, help text, labels and buckets. The single source of
 * truth: createMetrics builds the registry from it, and the deploy files (alerts, dashboard) and
 * their tests read it. The seeds' names are kept without a prefix so their alerts work as written.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Histograms only: upper bounds, seconds. */
  readonly buckets?: readonly number[];
  /** Fed by coordinators: with `coordinatorLabel: true` it also has a `coordinator` label (one series per coordinator). */
  readonly perCoordinator?: boolean;
}

/**
 * The FAQ's buckets (10 .. 1800 s) with sub-second ones below them, and one above: a quantile that
 * falls past the highest finite bucket reads as that bucket's bound, so without 3600 a P99 could
 * never exceed the critical line of 1800 s (deploy/prometheus/alerts.yml).
 */
const BLOCKING_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
/** The FAQ's (0.1 .. 10 s), finer below, and 30 and 60 above the 10 s alert line for the same reason. */
const DELIVERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const CHECK_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const METRIC_NAMES = {
  blockingDuration: {
    name: 'blocking_coordination_duration_seconds',
    type: 'histogram',
    help: 'How long blocking waits lasted (blockUntilSignal, a waitForSignals barrier, waitForAcks), by how they ended.',
    labelNames: ['swarm', 'kind', 'outcome'],
    buckets: BLOCKING_BUCKETS,
    perCoordinator: true,
  },
  activeCoordinators: {
    name: 'active_coordinators',
    type: 'gauge',
    help: 'Registered coordinators not silent past the dead threshold, per swarm, as the leading supervisor last checked.',
    labelNames: ['swarm'],
  },
  signalDeliveryLatency: {
    name: 'signal_delivery_latency_seconds',
    type: 'histogram',
    help: "Store-clock time from a signal's send timestamp to its receipt by the receiving coordinator.",
    labelNames: ['swarm', 'type'],
    buckets: DELIVERY_BUCKETS,
    perCoordinator: true,
  },
  timeoutEvents: {
    name: 'timeout_events_total',
    type: 'counter',
    help: 'Timeouts: blocking waits and ACK waits that timed out, and coordinators found silent past the dead threshold.',
    labelNames: ['swarm', 'kind'],
    perCoordinator: true,
  },
  heartbeatFailures: {
    name: 'heartbeat_failures_total',
    type: 'counter',
    help: 'Heartbeat writes that failed, by why.',
    labelNames: ['swarm', 'reason'],
    perCoordinator: true,
  },
  circuitBreakerState: {
    name: 'circuit_breaker_state',
    type: 'gauge',
    help: "The store circuit breaker's state: 1 for the current state, 0 for the others.",
    labelNames: ['state'],
  },
  circuitBreakerOpened: {
    name: 'rendezvous_circuit_breaker_opened_total',
    type: 'counter',
    help: 'Times the store circuit breaker opened (a failed probe opens it again).',
    labelNames: [],
  },
  signalsSent: { name: 'rendezvous_signals_sent_total', type: 'counter', help: 'Signals sent (appended to an inbox).', labelNames: ['swarm', 'type'], perCoordinator: true },
  signalsDuplicate: { name: 'rendezvous_signals_duplicate_total', type: 'counter', help: 'Sends recognised as duplicates by their idempotency key: nothing appended.', labelNames: ['swarm'], perCoordinator: true },
  signalsReceived: { name: 'rendezvous_signals_received_total', type: 'counter', help: 'Verified signals received.', labelNames: ['swarm', 'type'], perCoordinator: true },
  signalsRejected: { name: 'rendezvous_signals_rejected_total', type: 'counter', help: 'Incoming signals rejected and skipped, by reason.', labelNames: ['swarm', 'reason'], perCoordinator: true },
  acksSent: { name: 'rendezvous_acks_sent_total', type: 'counter', help: 'ACKs recorded.', labelNames: ['swarm'], perCoordinator: true },
  acksReceived: { name: 'rendezvous_acks_received_total', type: 'counter', help: 'Verified ACKs returned by waitForAcks.', labelNames: ['swarm'], perCoordinator: true },
  acksRejected: { name: 'rendezvous_acks_rejected_total', type: 'counter', help: 'Incoming ACKs rejected and skipped, by reason.', labelNames: ['swarm', 'reason'], perCoordinator: true },
  forgedRecords: { name: 'rendezvous_forged_records_total', type: 'counter', help: 'Idempotency and ACK records in the store that no holder of the secret wrote (not believed).', labelNames: ['swarm'], perCoordinator: true },
  heldLimit: {
    name: 'rendezvous_held_limit_total',
    type: 'counter',
    help: 'Times an inbox reached the most signals it holds in memory (10,000 or maxHeldBytes), by what it held: pending (newer signals left in the store) or handed_out (the oldest never acknowledged forgotten, delivered again later).',
    labelNames: ['swarm', 'held'],
    perCoordinator: true,
  },
  heartbeats: { name: 'rendezvous_heartbeats_total', type: 'counter', help: 'Heartbeats written.', labelNames: ['swarm'], perCoordinator: true },
  warnings: { name: 'rendezvous_warnings_total', type: 'counter', help: 'Warnings the supervisor gave silent coordinators.', labelNames: ['swarm'] },
  recoveries: { name: 'rendezvous_recoveries_total', type: 'counter', help: 'Warned coordinators that showed a sign of life again.', labelNames: ['swarm'] },
  escalations: { name: 'rendezvous_escalations_total', type: 'counter', help: 'Dead coordinators escalated (work and signals moved to a replacement).', labelNames: ['swarm'] },
  escalationFailures: { name: 'rendezvous_escalation_failures_total', type: 'counter', help: 'Escalations or spawns of a replacement that failed.', labelNames: ['swarm'] },
  replacements: { name: 'rendezvous_replacements_total', type: 'counter', help: 'Replacement coordinators started by the spawner.', labelNames: ['swarm'] },
  deadlocks: { name: 'rendezvous_deadlocks_total', type: 'counter', help: "Cycles found in a swarm's wait-for graph.", labelNames: ['swarm'] },
  coordinators: {
    name: 'rendezvous_coordinators',
    type: 'gauge',
    help: 'Registered coordinators per swarm and state (alive; warned: silent past the dead threshold; dead: maxWarnings reached), as the leading supervisor last checked.',
    labelNames: ['swarm', 'state'],
  },
  supervisorChecks: { name: 'rendezvous_supervisor_checks_total', type: 'counter', help: 'Checks run by this supervisor while it led.', labelNames: [] },
  supervisorCheckDuration: { name: 'rendezvous_supervisor_check_duration_seconds', type: 'histogram', help: "How long the supervisor's checks took.", labelNames: [], buckets: CHECK_BUCKETS },
  supervisorCapped: { name: 'rendezvous_supervisor_capped_total', type: 'counter', help: 'Escalations and spawns left for a later check by a cap.', labelNames: ['action'] },
  supervisorRejected: { name: 'rendezvous_supervisor_rejected_total', type: 'counter', help: 'Entries read from the store that the supervisor skipped: registry (swarm set, registry) or record (waitingFor, spawn requests, escalation records).', labelNames: ['kind'] },
  leaderChanges: { name: 'rendezvous_leader_changes_total', type: 'counter', help: 'Leader changes this process saw, per namespace.', labelNames: ['namespace'] },
  leaderEpoch: { name: 'rendezvous_leader_epoch', type: 'gauge', help: 'The epoch of the leader this process knows, per namespace.', labelNames: ['namespace'] },
  isLeader: { name: 'rendezvous_is_leader', type: 'gauge', help: '1 when this process leads the namespace, else 0.', labelNames: ['namespace'] },
  leaderInfo: { name: 'rendezvous_leader_info', type: 'gauge', help: 'Always 1: the leader this process knows, per namespace (its worker id in the leader label).', labelNames: ['namespace', 'leader'] },
  leaseRenewFailures: { name: 'rendezvous_lease_renew_failures_total', type: 'counter', help: 'Lease renewals that failed (each ends the term).', labelNames: ['namespace'] },
  fencedRejections: { name: 'rendezvous_fenced_rejections_total', type: 'counter', help: 'Fenced writes refused: the term that made them was over.', labelNames: ['namespace'] },
  electionForgeries: { name: 'rendezvous_election_forgeries_total', type: 'counter', help: 'Lease records and leadership events not believed (seal fails, or contradicts what is signed).', labelNames: ['namespace', 'kind'] },
  epochRegressions: { name: 'rendezvous_epoch_regressions_total', type: 'counter', help: "Terms seen with an epoch below one seen before: the store lost the election's state.", labelNames: ['namespace'] },
  cleanupRuns: { name: 'rendezvous_cleanup_runs_total', type: 'counter', help: 'Stale-state cleanup runs, by outcome and mode.', labelNames: ['outcome', 'mode'] },
  cleanupKeysRemoved: { name: 'rendezvous_cleanup_keys_removed_total', type: 'counter', help: 'Keys the cleanup acted on: deleted (stale coordinators) or ttl_fixed (given a lifetime).', labelNames: ['kind'] },
  workflowRounds: { name: 'rendezvous_workflow_rounds_total', type: 'counter', help: 'Consensus rounds ended, by decision (PROCEED, DEFER, ESCALATE).', labelNames: ['swarm', 'decision'] },
  workflowRoundsInProgress: { name: 'rendezvous_workflow_rounds_in_progress', type: 'gauge', help: 'Consensus rounds started and not ended yet.', labelNames: ['swarm'] },
  workflowRoundDuration: { name: 'rendezvous_workflow_round_duration_seconds', type: 'histogram', help: 'How long consensus rounds took, from the first request to the decision.', labelNames: ['swarm', 'decision'], buckets: BLOCKING_BUCKETS },
  workflowMissingValidators: { name: 'rendezvous_workflow_missing_validators_total', type: 'counter', help: "Validators whose answer did not count in a round, by reason (no_answer, failed, invalid_answer, not_sent).", labelNames: ['swarm', 'reason'] },
  workflowLoops: { name: 'rendezvous_workflow_loops_total', type: 'counter', help: 'CFN loops ended, by how (consensus, escalated, max_iterations).', labelNames: ['swarm', 'ended_by'] },
  storeOperationDuration: { name: 'rendezvous_store_operation_duration_seconds', type: 'histogram', help: 'How long store operations took, by operation (blocking reads include their wait).', labelNames: ['operation'], buckets: STORE_BUCKETS },
  storeOperationErrors: { name: 'rendezvous_store_operation_errors_total', type: 'counter', help: 'Store operations that failed, by operation and error code.', labelNames: ['operation', 'code'] },
  storeLostState: { name: 'rendezvous_store_lost_state_total', type: 'counter', help: 'Signs that state in the store was lost or changed by someone else.', labelNames: ['kind'] },
} as const satisfies Record<string, MetricSpec>;

/** The key of a metric in METRIC_NAMES. */
export type MetricKey = keyof typeof METRIC_NAMES;

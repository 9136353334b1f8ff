// @ts-check
// The JSON shapes of the ops API (docs: contract of issue 13), as JSDoc for `tsc --checkJs`.

/**
 * @typedef {'alive' | 'warned' | 'dead' | 'replaced'} CoordinatorState
 *
 * @typedef {object} CoordinatorView
 * @property {string} id
 * @property {string} swarmId
 * @property {CoordinatorState} state
 * @property {'active' | 'waiting' | 'stopping' | null} status
 * @property {string | null} phase
 * @property {number | null} iteration
 * @property {number} lastSeen store ms
 * @property {number} heartbeatAgeMs
 * @property {string[]} waitingFor
 * @property {number} pendingSignals
 * @property {number} warnings
 * @property {string | null} replacedBy
 * @property {string | null} replaces
 *
 * @typedef {object} SwarmView
 * @property {string} swarmId
 * @property {CoordinatorView[]} coordinators
 * @property {{ cycle: string[] }[]} deadlocks
 *
 * @typedef {object} CoordinatorsResponse
 * @property {number} generatedAt
 * @property {SwarmView[]} swarms
 *
 * @typedef {object} WorkerView
 * @property {string} workerId
 * @property {number} lastHeartbeat
 * @property {number} heartbeatAgeMs
 * @property {number} startTime
 *
 * @typedef {object} NamespaceView
 * @property {string} namespace
 * @property {string | null} leaderId
 * @property {number | null} epoch
 * @property {number | null} leaseRemainingMs
 * @property {WorkerView[]} workers
 *
 * @typedef {object} LeadersResponse
 * @property {NamespaceView[]} namespaces
 *
 * One server-sent event's data: `type` and `at` always, the rest by type (contract section 2).
 * @typedef {{ type: string, at: number, swarmId?: string, [field: string]: unknown }} OpsEvent
 *
 * @typedef {'no-token' | 'connecting' | 'live' | 'reconnecting' | 'unauthorized'} ConnectionState
 */

export {};

import { cleanupBehaviour } from './cleanup.js';
import { deliveryBehaviour } from './delivery.js';
import { electionBehaviour } from './election.js';
import type { Harness } from './harness.js';
import { heartbeatAndIdsBehaviour } from './heartbeat-and-ids.js';
import { inboxViewBehaviour } from './inbox-view.js';
import { quotaBehaviour } from './quotas.js';
import { rejectionBehaviour } from './rejection.js';
import { rotationAndClockBehaviour } from './rotation-and-clock.js';
import { supervisionOpsBehaviour } from './supervision-ops.js';
import { timeoutBehaviour } from './timeouts.js';
import { workflowBehaviour } from './workflows.js';

/** The conformance suite: every adapter and topology is held to these behaviours. */
export function conformanceSuite(harness: () => Harness): void {
  deliveryBehaviour(harness());
  rejectionBehaviour(harness());
  quotaBehaviour(harness());
  rotationAndClockBehaviour(harness());
  heartbeatAndIdsBehaviour(harness());
  timeoutBehaviour(harness());
  electionBehaviour(harness());
  cleanupBehaviour(harness());
  supervisionOpsBehaviour(harness());
  inboxViewBehaviour(harness());
  workflowBehaviour(harness());
}

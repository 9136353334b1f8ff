import type { GlobalCoordinator } from '../../src/supervision/global-coordinator.js';
import type { LeaderChangedEvent } from '../../src/supervision/election/types.js';

/** The next `leader:changed` of `gc` that `predicate` accepts (by default, one naming a leader). */
export function nextLeader(gc: GlobalCoordinator, predicate: (e: LeaderChangedEvent) => boolean = (e) => e.newLeader !== null): Promise<LeaderChangedEvent> {
  return new Promise((resolve) => {
    const listener = (event: LeaderChangedEvent) => {
      if (!predicate(event)) return;
      gc.off('leader:changed', listener);
      resolve(event);
    };
    gc.on('leader:changed', listener);
  });
}

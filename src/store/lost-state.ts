/**
 * Signs that Rendezvous' state in the store was lost or changed by someone else, counted since the
 * store was created (each is also logged when it is seen). The operator surface exports them.
 */
export interface LostStateCounts {
  /** A running coordinator's inbox found gone: it expired, an escalation moved it, or Redis lost it. */
  inboxesGone: number;
  /** An inbox found without its consumer group (a raw XADD, a deleted group, lost state): recreated, its entries delivered again. */
  groupsRecreated: number;
  /** A key of the wrong type where Rendezvous keeps an inbox, a record or a notice stream (made by hand, or forged): replaced. */
  wrongTypeKeysReplaced: number;
}

export function noLostState(): LostStateCounts {
  return { inboxesGone: 0, groupsRecreated: 0, wrongTypeKeysReplaced: 0 };
}

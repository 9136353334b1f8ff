/** Sends remembered, newest last; enough for every wait that follows its send closely. */
const MAX_REMEMBERED = 1_024;

/**
 * For the messages this coordinator sent lately: where their ACK notices start (the append told
 * us), so waitForAcks right after a send blocks at once, without a snapshot round trip.
 */
export class AckCursors {
  readonly #cursors = new Map<string, { swarmId: string; cursor: string }>();

  remember(messageId: string, swarmId: string, cursor: string): void {
    this.#cursors.set(messageId, { swarmId, cursor });
    if (this.#cursors.size > MAX_REMEMBERED) this.#cursors.delete(this.#cursors.keys().next().value!);
  }

  get(messageId: string, swarmId: string): string | undefined {
    const known = this.#cursors.get(messageId);
    return known?.swarmId === swarmId ? known.cursor : undefined;
  }
}

/** The flow versions one batch of turns snapshotted (or found snapshotted), not yet committed. */
export type SnapshotBatch = Set<string>;

/**
 * Which flow versions this process knows to be snapshotted in `flow_versions`, so a version's
 * source is written once, not on every run that starts on it. A version counts only once the
 * transaction that wrote it has committed: a rolled-back snapshot must be written again.
 */
export class VersionSnapshots {
  private readonly stored = new Set<string>();

  /** Whether the version is known to be snapshotted. */
  has(flowId: string, version: string): boolean {
    return this.stored.has(keyOf(flowId, version));
  }

  /** A new batch's list of versions it writes. */
  batch(): SnapshotBatch {
    return new Set();
  }

  /** The batch's transaction committed: its versions are stored. */
  committed(batch: SnapshotBatch): void {
    for (const key of batch) this.stored.add(key);
  }
}

export function keyOf(flowId: string, version: string): string {
  return `${flowId}@${version}`;
}

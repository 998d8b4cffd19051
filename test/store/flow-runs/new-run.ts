import type { ConversationTx } from '../../../flows/engine/ports';
import type { RunState } from '../../../flows/engine/types';

/** A run of flow `flowId` (version v1) waiting at `step` for an answer, not yet stored. */
export const newRun = (flowId: string, step: string): RunState => ({
  flowId,
  version: 'v1',
  status: 'active',
  stepId: step,
  awaiting: true,
  tries: 0,
  answers: {},
  variant: null,
  resumeAt: null,
  trigger: { kind: 'keyword', text: 'start' },
});

/** Starts a run at `step`, on a snapshotted version (flow_runs refers to flow_versions). */
export async function startRun(tx: ConversationTx, flowId: string, step: string): Promise<RunState> {
  await tx.saveVersion(flowId, 'v1', `id: ${flowId}`);
  return tx.saveRun(newRun(flowId, step));
}

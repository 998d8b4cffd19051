/**
 * Saved replies: the routers' name for the conversations store's canned responses, which own the
 * `canned_responses` table (src/store/conversations/canned-response-store.ts).
 */
export {
  CannedResponseStore as CannedResponses,
  type CannedResponseInput,
  type CannedResponseView,
} from '../store/conversations/canned-response-store';

/**
 * Outbound messages' delivery state, under the name the hub's wiring uses. The conversations store
 * owns the statements (src/store/conversations/message-status-store.ts).
 */
export {
  MessageStatusStore as MessageStatusUpdater,
  type ReportedMessage,
  type StatusChange,
} from '../store/conversations/message-status-store';

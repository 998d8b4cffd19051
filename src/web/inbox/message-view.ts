import type { InboxMessage, InboxUser } from '../../inbox/realtime-events';
import { h, safeHref, timeLabel } from './dom';
import { icon, type IconName } from './icons';

const TICKS: Record<InboxMessage['status'], IconName | null> = {
  received: null,
  queued: 'clock',
  sent: 'check',
  delivered: 'checks',
  read: 'checks',
  failed: 'alert',
  undelivered: 'alert',
};

/** One message bubble. The body is a text node: markup in a message is shown, never run. */
export function messageBubble(message: InboxMessage, users: InboxUser[]): HTMLElement {
  const author =
    message.authorKind === 'contact'
      ? 'Customer'
      : message.authorKind === 'bot'
        ? 'Bot'
        : message.authorKind === 'system'
          ? 'System'
          : (users.find((user) => user.id === message.authorUserId)?.name ?? 'Agent');
  const kind = message.isPrivate ? 'note' : message.direction === 'inbound' ? 'in' : `out ${message.authorKind}`;
  const body = h('div', { class: 'body' }, message.body ?? '');
  for (const file of message.attachments) {
    const href = safeHref(file.url);
    body.appendChild(
      href
        ? h(
            'a',
            { class: 'file', attrs: { href, target: '_blank', rel: 'noopener noreferrer' } },
            file.name ?? file.url,
          )
        : h('span', { class: 'file' }, file.name ?? file.url),
    );
  }
  return h(
    'div',
    { class: `msg ${kind}`, attrs: { 'data-id': message.id } },
    h('div', { class: 'who' }, message.isPrivate ? `Note · ${author}` : author),
    body,
    h('div', { class: 'meta' }, h('time', {}, timeLabel(message.createdAt)), statusTick(message)),
  );
}

export function statusTick(message: InboxMessage): HTMLElement | null {
  if (message.direction !== 'outbound' || message.isPrivate) return null;
  const failed = message.status === 'failed' || message.status === 'undelivered';
  return h(
    'span',
    {
      class: `tick tick-${message.status}`,
      title: failed ? `Not delivered${message.errorCode ? ` (${message.errorCode})` : ''}` : message.status,
      attrs: { 'data-status': message.status },
    },
    TICKS[message.status] && icon(TICKS[message.status]!),
    failed ? ` ${message.errorCode ?? 'failed'}` : '',
  );
}

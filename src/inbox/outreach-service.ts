import type { Principal } from '../auth/principal';
import { seesEverything } from '../auth/principal';
import { decideSend, type SendingPolicy, type SkipReason } from '../campaigns/send-decision';
import { AppError } from '../core/errors';
import type { MessageTemplate } from '../core/types';
import type { OutboundService } from '../outbound/outbound-service';
import type { CampaignSendStore } from '../store/campaigns/campaign-send-store';
import type { ConversationStore } from '../store/conversations/conversation-store';
import { HANDLED_BY_PEOPLE } from '../store/conversations/conversation-rules';
import { roomsOf, roomsSee } from './access';

/** An agent's first message to a contact: free text, or (WhatsApp) an approved template. */
export interface OutreachRequest {
  channel: 'sms' | 'whatsapp';
  text?: string;
  template?: MessageTemplate;
}

export interface OutreachResult {
  conversationId: string;
  messageId: string;
  status: string;
}

/** The refusal an agent sees for each reason the send decision gives. */
const REFUSALS: Record<SkipReason, (channel: string) => AppError> = {
  no_number: (channel) =>
    new AppError('NO_ADDRESS_ON_CHANNEL', `The contact has no number to reach on ${channel}`, { field: 'channel' }),
  opted_out: (channel) =>
    new AppError(
      'CONTACT_OPTED_OUT',
      `The contact opted out of ${channel} messages (they can reply START to opt back in)`,
    ),
  window_closed: () => new AppError('WHATSAPP_WINDOW_CLOSED'),
  no_lawful_hour: () =>
    new AppError('OUTSIDE_SENDING_WINDOW', 'No hour is inside the sending window in every zone the contact may be in'),
  // Marketing only: an agent's first message is never marketing (see below).
  no_consent: () => new AppError('CONFLICT'),
  us_marketing_template: () => new AppError('CONFLICT'),
  frequency_cap: () => new AppError('CONFLICT'),
};

/**
 * An agent writes to a contact first: SMS, or WhatsApp (free text inside the 24-hour window, an
 * approved template outside it). The message is one person writing to one customer about their
 * business — conversational, treated as transactional: no opt-out on the channel (no opt-in
 * needed), a number on the channel, and the sending window in the contact's own time zone. The
 * rules are the campaigns' (send-decision.ts), asked at this moment; a refusal is a 4xx the agent
 * can read, and nothing is written. Otherwise the contact's open conversation on the channel is
 * found or opened, handed to people and assigned to the caller, and the message leaves through
 * the outbox like any reply (whose guards check consent and the window once more).
 */
export class AgentOutreach {
  constructor(
    private readonly deps: {
      facts: Pick<CampaignSendStore, 'contactFacts' | 'openConversation'>;
      conversations: ConversationStore;
      outbound: Pick<OutboundService, 'send'>;
      /** Whether the caller may see this contact (agents: one of their conversations is theirs to see). */
      maySee: (caller: Principal, contactId: string) => Promise<boolean>;
      policy: SendingPolicy;
      clock?: () => Date;
    },
  ) {}

  async start(caller: Principal, contactId: string, request: OutreachRequest): Promise<OutreachResult> {
    if (!seesEverything(caller) && !(await this.deps.maySee(caller, contactId))) {
      throw new AppError('CONTACT_NOT_FOUND');
    }
    const now = this.deps.clock?.() ?? new Date();
    const known = await this.deps.facts.contactFacts(contactId, now);
    if (!known) throw new AppError('CONTACT_NOT_FOUND');
    if (known.erased) throw new AppError('CONTACT_ERASED');

    const decision = decideSend(
      known.facts,
      { purpose: 'transactional', channel: request.channel, skipWhenCapped: false },
      { text: request.text, template: request.template },
      this.deps.policy,
      now,
    );
    if (decision.action === 'skip') throw REFUSALS[decision.reason](request.channel);
    if (decision.action === 'hold') {
      throw new AppError(
        'OUTSIDE_SENDING_WINDOW',
        `It is outside the sending window in the contact's time zone; it opens at ${decision.until.toISOString()}`,
        { opensAt: decision.until.toISOString() },
      );
    }
    // Transactional messages have no caps: 'defer' cannot come; it would be a hold all the same.
    if (decision.action !== 'send') throw new AppError('CONFLICT');

    const conversationId = await this.deps.facts.openConversation(contactId, decision.channel, decision.address);
    if (!conversationId) throw new AppError('ADDRESS_OF_ANOTHER_CONTACT');
    await this.takeOver(caller, conversationId);
    const message = await this.deps.outbound.send({
      conversationId,
      text: decision.useTemplate ? undefined : request.text,
      template: decision.useTemplate ? request.template : undefined,
      authorKind: 'agent',
      authorUserId: caller.id,
      authorName: caller.name,
      metadata: { outreach: true },
    });
    return { conversationId, messageId: message.id, status: message.status };
  }

  /**
   * The caller takes the conversation: handled by people (the bot stays silent when the customer
   * answers), assigned to the caller when nobody has it. One a colleague has is theirs: an agent
   * who may not see it is refused; a manager writes in it and leaves it with its assignee.
   */
  private async takeOver(caller: Principal, conversationId: string): Promise<void> {
    const conversation = await this.deps.conversations.find(conversationId);
    if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND');
    if (!roomsSee(new Set(roomsOf(caller)), conversation)) throw new AppError('CONVERSATION_WITH_COLLEAGUE');
    await this.deps.conversations.change(conversationId, {
      handledBy: HANDLED_BY_PEOPLE,
      ...(conversation.assigneeId === null ? { assigneeId: caller.id } : {}),
    });
  }
}

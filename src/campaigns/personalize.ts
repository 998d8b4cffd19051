import { TemplateRenderer } from '../../flows/engine/templates';
import type { MessageTemplate } from '../core/types';
import type { DueRecipient } from '../store/campaigns/campaign-send-store';

/** A contact as campaign templates see them: the same `contact` the flows' templates see. */
export function campaignScope(contactId: string, contact: DueRecipient['contact']): Record<string, unknown> {
  return {
    contact: {
      id: contactId,
      first_name: contact.firstName,
      last_name: contact.lastName,
      display_name: contact.displayName,
      email: contact.email,
      phone: contact.phone,
      time_zone: contact.timeZone,
      locale: contact.locale,
      birthday: contact.birthday,
      attributes: contact.attributes,
      tags: contact.tags,
      name: contact.firstName ?? contact.displayName ?? null,
    },
  };
}

/**
 * Renders a campaign's texts and template variables for one contact, with the flows' Liquid
 * dialect (a template that a flow may use, a campaign may use). Parsed templates are kept: one
 * parse per campaign text, whatever the audience's size.
 */
export class Personalizer {
  private readonly renderer = new TemplateRenderer();

  text(source: string, scope: Record<string, unknown>): string {
    return this.renderer.render(source, scope);
  }

  template(template: MessageTemplate, scope: Record<string, unknown>): MessageTemplate {
    if (!template.contentVariables) return template;
    const contentVariables = Object.fromEntries(
      Object.entries(template.contentVariables).map(([key, value]) => [key, this.renderer.render(value, scope)]),
    );
    return { contentSid: template.contentSid, contentVariables };
  }
}

import { Router } from 'express';
import { principal, requireRole } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import {
  cannedResponseChangesInput,
  cannedResponseInput,
  cannedResponseQuery,
  idParam,
  mergeInput,
} from './api-schemas';
import { contactChangesInput, contactDirectoryQuery, newContactInput } from './contact-schemas';
import type { CannedResponses } from './canned-responses';
import { mergeContacts, type MergeResult } from './contact-merge';
import type { ContactService } from './contact-service';
import type { DataSource } from 'typeorm';
import type { ApiOperation } from './api-operation';

/** These routes as the OpenAPI document shows them (openapi.ts). */
export const contactsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/contacts',
    tag: 'contacts',
    summary:
      'The directory, newest first: every contact for admins and managers, for agents those with a conversation they may see',
    query: contactDirectoryQuery,
    response: 'ContactPage',
  },
  {
    method: 'post',
    path: '/contacts',
    tag: 'contacts',
    summary:
      'Create a contact (admin, manager); 409 CONTACT_EXISTS names the existing one by phone, email or externalId',
    body: newContactInput,
    status: 201,
    response: 'Contact',
  },
  {
    method: 'delete',
    path: '/contacts/{id}',
    tag: 'contacts',
    summary:
      'Erase the person (GDPR art. 17, admin, manager): profile, identities, message bodies and attachments, flow answers, feedback comments, consents and events; counts stay, tombstones keep imports from bringing them back',
    status: 204,
  },
  {
    method: 'get',
    path: '/contacts/{id}/export',
    tag: 'contacts',
    summary: 'Everything the hub holds about the person as a JSON download (GDPR art. 15, admin, manager)',
    response: {
      description:
        '{ exportedAt, profile, identities, conversations: [{ …, messages }], consents, consentEvidence, events, flowRuns, exposures, feedback, feedbackRequests, handoffs }',
    },
  },
  {
    method: 'get',
    path: '/contacts/{id}',
    tag: 'contacts',
    summary: 'Profile: attributes, tags, identities, conversations, consents, flow answers, feedback',
    response: 'Contact',
  },
  {
    method: 'patch',
    path: '/contacts/{id}',
    tag: 'contacts',
    summary: 'Edit the profile; attributes merge key by key (null removes)',
    body: contactChangesInput,
    response: 'Contact',
  },
  {
    method: 'post',
    path: '/contacts/{id}/merge',
    tag: 'contacts',
    summary: 'Merge another contact into this one (admin, manager)',
    body: mergeInput,
    response: 'Contact',
  },
  {
    method: 'get',
    path: '/canned-responses',
    tag: 'canned responses',
    summary: 'Saved replies (q: short code prefix or title)',
    query: cannedResponseQuery,
    response: 'CannedResponseList',
  },
  {
    method: 'post',
    path: '/canned-responses',
    tag: 'canned responses',
    summary: 'Add a saved reply (admin, manager)',
    body: cannedResponseInput,
    status: 201,
    response: 'CannedResponse',
  },
  {
    method: 'patch',
    path: '/canned-responses/{id}',
    tag: 'canned responses',
    summary: 'Change a saved reply (admin, manager)',
    body: cannedResponseChangesInput,
    response: 'CannedResponse',
  },
  {
    method: 'delete',
    path: '/canned-responses/{id}',
    tag: 'canned responses',
    summary: 'Delete a saved reply (admin, manager)',
    status: 204,
  },
];

/** `/api/contacts…` (directory, profile, create, edit, merge, erase, export) and `/api/canned-responses…`. */
export function contactsRouter(
  dataSource: DataSource,
  contacts: ContactService,
  canned: CannedResponses,
  onMerged: (result: MergeResult) => void,
): Router {
  const router = Router();

  router.get('/contacts', async (req, res) => {
    res.json(await contacts.list(principal(req), parseInput(contactDirectoryQuery, req.query)));
  });

  router.post('/contacts', requireRole('admin', 'manager'), async (req, res) => {
    res.status(201).json(await contacts.create(principal(req), parseInput(newContactInput, req.body)));
  });

  router.delete('/contacts/:id', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await contacts.erase(id);
    res.status(204).end();
  });

  router.get('/contacts/:id/export', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const data = await contacts.export(id);
    res.attachment(`contact-${id}.json`).json(data);
  });

  router.get('/contacts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await contacts.profile(principal(req), id));
  });

  router.patch('/contacts/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await contacts.update(principal(req), id, parseInput(contactChangesInput, req.body)));
  });

  // Merging rewrites whose history is whose: admins and managers only.
  router.post('/contacts/:id/merge', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { mergeContactId } = parseInput(mergeInput, req.body);
    const result = await mergeContacts(dataSource, id, mergeContactId);
    onMerged(result);
    res.json(await contacts.profile(principal(req), id));
  });

  router.get('/canned-responses', async (req, res) => {
    res.json({ items: await canned.list(parseInput(cannedResponseQuery, req.query).q) });
  });

  router.post('/canned-responses', requireRole('admin', 'manager'), async (req, res) => {
    res.status(201).json(await canned.create(parseInput(cannedResponseInput, req.body), principal(req).id));
  });

  router.patch('/canned-responses/:id', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await canned.update(id, parseInput(cannedResponseChangesInput, req.body)));
  });

  router.delete('/canned-responses/:id', requireRole('admin', 'manager'), async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await canned.remove(id);
    res.status(204).end();
  });

  return router;
}

import { Router } from 'express';
import { principal, requireRole } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import {
  cannedResponseChangesInput,
  cannedResponseInput,
  cannedResponseQuery,
  contactChangesInput,
  idParam,
  mergeInput,
} from './api-schemas';
import type { CannedResponses } from './canned-responses';
import { mergeContacts, type MergeResult } from './contact-merge';
import type { ContactService } from './contact-service';
import type { DataSource } from 'typeorm';
import type { ApiOperation } from './api-operation';

/** These routes as the OpenAPI document shows them (openapi.ts). */
export const contactsOperations: ApiOperation[] = [
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

/** `/api/contacts…` (profile, edit, merge) and `/api/canned-responses…`. */
export function contactsRouter(
  dataSource: DataSource,
  contacts: ContactService,
  canned: CannedResponses,
  onMerged: (result: MergeResult) => void,
): Router {
  const router = Router();

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

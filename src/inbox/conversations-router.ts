import { Router } from 'express';
import { principal } from '../auth/authenticate';
import { parseInput } from '../http/validate';
import {
  assignmentInput,
  conversationListQuery,
  flowRequestInput,
  idParam,
  labelsInput,
  messageInput,
  messageListQuery,
  statusInput,
} from './api-schemas';
import { AppError } from '../core/errors';
import type { FlowRequests } from './flow-requests';
import type { InboxCommands } from './inbox-commands';
import type { InboxQueries } from './inbox-queries';
import type { ApiOperation } from './api-operation';

/** These routes as the OpenAPI document shows them (openapi.ts). */
export const conversationsOperations: ApiOperation[] = [
  {
    method: 'get',
    path: '/conversations',
    tag: 'conversations',
    summary: 'Conversations you may see, newest activity first, with a cursor',
    query: conversationListQuery,
    response: 'ConversationPage',
  },
  {
    method: 'get',
    path: '/conversations/{id}',
    tag: 'conversations',
    summary: 'One conversation (404 when you may not see it)',
    response: 'Conversation',
  },
  {
    method: 'get',
    path: '/conversations/{id}/messages',
    tag: 'conversations',
    summary: 'Messages, oldest first; before=<id> pages back, after=<id> catches up',
    query: messageListQuery,
    response: 'MessagePage',
  },
  {
    method: 'post',
    path: '/conversations/{id}/messages',
    tag: 'conversations',
    summary: "Reply through the conversation's channel (the bot goes quiet), or write an internal note (private: true)",
    body: messageInput,
    status: 201,
    response: 'Message',
  },
  {
    method: 'post',
    path: '/conversations/{id}/assignment',
    tag: 'conversations',
    summary: 'Assign or unassign; agents may only take or release',
    body: assignmentInput,
    response: 'Conversation',
  },
  {
    method: 'post',
    path: '/conversations/{id}/status',
    tag: 'conversations',
    summary: 'Open, pending, resolved or snoozed',
    body: statusInput,
    response: 'Conversation',
  },
  {
    method: 'put',
    path: '/conversations/{id}/labels',
    tag: 'conversations',
    summary: 'Replace the labels',
    body: labelsInput,
    response: 'Conversation',
  },
  {
    method: 'post',
    path: '/conversations/{id}/read',
    tag: 'conversations',
    summary: 'Mark read for you (your unread count to 0; colleagues keep theirs)',
    response: 'Conversation',
  },
  {
    method: 'post',
    path: '/conversations/{id}/flow',
    tag: 'conversations',
    summary: 'Run a flow here, handing the conversation back to the bot (409 FLOW_NOT_STARTED says why not)',
    body: flowRequestInput,
    response: 'Conversation',
  },
];

/** `/api/conversations…`: the list, one thread, and what agents do in it. */
export function conversationsRouter(
  queries: InboxQueries,
  commands: InboxCommands,
  flowRequests: FlowRequests,
): Router {
  const router = Router();

  router.get('/conversations', async (req, res) => {
    res.json(await queries.list(principal(req), parseInput(conversationListQuery, req.query)));
  });

  router.get('/conversations/:id', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await queries.get(principal(req), id));
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await queries.messages(principal(req), id, parseInput(messageListQuery, req.query)));
  });

  router.post('/conversations/:id/messages', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const input = parseInput(messageInput, req.body);
    const caller = principal(req);
    const message = input.private
      ? await commands.note(caller, id, input.text)
      : await commands.reply(caller, id, input.text);
    res.status(201).json(message);
  });

  router.post('/conversations/:id/assignment', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await commands.assign(principal(req), id, parseInput(assignmentInput, req.body)));
  });

  router.post('/conversations/:id/status', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await commands.setStatus(principal(req), id, parseInput(statusInput, req.body).status));
  });

  router.put('/conversations/:id/labels', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await commands.setLabels(principal(req), id, parseInput(labelsInput, req.body).labels));
  });

  router.post('/conversations/:id/read', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    res.json(await commands.markRead(principal(req), id));
  });

  // Runs a flow in the conversation, handing it back to the bot: the way out of "people first".
  router.post('/conversations/:id/flow', async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    const { flowId } = parseInput(flowRequestInput, req.body);
    const outcome = await flowRequests.start(principal(req), id, flowId);
    if (!outcome.started) throw new AppError('FLOW_NOT_STARTED', `The flow was not started: ${outcome.reason}`);
    res.json(await queries.get(principal(req), id));
  });

  return router;
}

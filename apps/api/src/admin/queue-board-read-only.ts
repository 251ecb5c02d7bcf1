import { appRoutes } from '@bull-board/api/dist/routes.js';
import type { BoardHooks, ControllerHandlerReturnType } from '@bull-board/api/typings/app';
import type { Job } from 'bullmq';
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { boardRoleOf } from './queue-board-access';
import { sendError } from './queue-board-auth';

/** The one board write there is: retry one job, for an admin, when that job failed. */
export const RETRY_JOB_ROUTE = '/api/queues/:queueName/:jobId/retry';

export type FindJob = (queueName: string, jobId: string) => Promise<Job | undefined>;

/**
 * Makes the board read-only at the HTTP layer, whatever its UI shows. The board's own route table is walked in
 * the board's own order with the same Express router, so the first route that matches here is the one the board
 * would run: its GET routes pass, its retry-one-job route passes for an admin and a failed job, and every other
 * route (pause, resume, clean, empty, obliterate, add, promote, update data, delay, priority, concurrency, rate
 * limit, schedulers, retry all...) is refused with 403. A path the table does not know passes only as GET/HEAD.
 */
export function readOnlyBoard(findJob: FindJob): Router {
  const router = Router();
  const toBoard: RequestHandler = (_req, _res, next) => next('router');
  const refuse: RequestHandler = (req, res) =>
    sendError(req, res, 403, 'board_read_only', 'The queue board is read-only; admins may only retry a failed job');

  const retryFailedJob = async (req: Request, res: Response, next: NextFunction) => {
    if (boardRoleOf(req.headers) !== 'admin')
      return sendError(req, res, 403, 'board_read_only', 'The queue board is read-only; only an admin may retry a job');
    const job = await findJob(String(req.params.queueName), String(req.params.jobId));
    if (!job) return next('router'); // the board answers its own 404
    if ((await job.getState()) !== 'failed')
      return sendError(req, res, 403, 'board_read_only', 'Only a failed job can be retried');
    next('router');
  };

  for (const route of appRoutes.api)
    for (const method of [route.method].flat())
      for (const path of [route.route].flat()) {
        const decide =
          method === 'get' ? toBoard : method === 'put' && path === RETRY_JOB_ROUTE ? retryFailedJob : refuse;
        router[method](path, decide);
      }
  router.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? next() : refuse(req, res, next)));
  return router;
}

/**
 * Bull Board's UI hides its buttons per queue from flags in `GET /api/queues`. The queues themselves are not in
 * read-only mode (that would also stop an admin's retry), so the flags are set per viewer: operators get a
 * read-only board, admins get retry on failed jobs. The board has no retry-only mode, so admins also see
 * buttons that the HTTP layer above refuses.
 */
export const boardViewHooks: BoardHooks = {
  after: ({ method, route, request }, result) =>
    method === 'get' && route === '/api/queues' ? asSeenBy(boardRoleOf(request.headers) === 'admin', result) : result,
};

function asSeenBy(admin: boolean, result: ControllerHandlerReturnType): ControllerHandlerReturnType {
  const body = result.body as { queues?: unknown };
  if (!Array.isArray(body?.queues)) return result;
  const queues = body.queues.map((q: Record<string, unknown>) => ({
    ...q,
    readOnlyMode: !admin,
    allowRetries: admin,
    allowCompletedRetries: false,
  }));
  return { ...result, body: { ...body, queues } };
}

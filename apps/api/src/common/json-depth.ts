import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

export const MAX_JSON_DEPTH = 16;

/** Depth of a parsed JSON value, walked iteratively so a hostile body cannot exhaust the stack here. */
export function jsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    max = Math.max(max, depth);
    if (max > limit) return max;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return max;
}

/**
 * No request of ours nests deeper than a few levels; refusing deep bodies up front keeps the validation
 * and transformation layers (which recurse) from ever seeing one.
 */
export function limitJsonDepth(req: Request, _res: Response, next: NextFunction): void {
  if (req.body !== undefined && jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    return next(
      new BadRequestException({ code: 'too_deep', message: `Request body nests deeper than ${MAX_JSON_DEPTH} levels` }),
    );
  }
  next();
}

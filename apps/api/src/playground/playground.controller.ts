import { join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/auth';

/** Copied next to the compiled controller by the build (nest-cli.json assets). */
const STATIC_DIR = join(__dirname, 'static');
const ASSETS = new Set(['playground.js', 'playground.css']);

/**
 * Scripts only from our origin (the page's own file and the Socket.IO client the socket server serves), no
 * inline script or style, sockets and fetches only to us: model output shown on the page cannot run.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The development playground: a page that signs in with a user token and drives chat, reports and tips over
 * the public API and sockets, logging every event. The module is only loaded outside production.
 */
@ApiExcludeController()
@Public()
@Controller('playground')
export class PlaygroundController {
  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    if (!ASSETS.has(file)) throw new NotFoundException({ code: 'not_found', message: 'No such playground file' });
    this.send(res, file);
  }

  private send(res: Response, file: string): void {
    res.setHeader('Content-Security-Policy', CSP);
    // Read from disk on every request, so an edit shows on reload while the api runs.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file, { root: STATIC_DIR });
  }
}

import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problem } from '@helpdesk/platform';

/**
 * Requests Node rejects before routing (a URL or headers over its 16 kB limit, e.g. a long Chinese
 * query percent-encoded into GET /v1/search, or bytes that are not HTTP) get problem+json like every
 * other 4xx, instead of the HTTP server's own JSON shape.
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.removeAllListeners('clientError');
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, detail] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the URL or headers are larger than 16 kB: send long search text with POST /v1/search']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'the request was not received in time']
          : [400, 'the request is not valid HTTP (URLs must be percent-encoded)'];
    const body = JSON.stringify(problem(status, detail));
    const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

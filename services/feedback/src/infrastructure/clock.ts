import { Injectable } from '@nestjs/common';

/** The one source of "now" for use cases, so tests and replays can pin time. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

import { Injectable } from '@nestjs/common';

/** The time source of use cases; the domain takes instants as arguments. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

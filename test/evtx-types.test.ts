// The .evtx reader owns its record type (src/evtx/record.ts); the contract's generated `Event`
// (src/contract/event.ts, from ../shared/contract/event.schema.json) describes the same shape. They
// are held equal at compile time: `npx tsc --noEmit -p .` fails here when one drifts from the other.
import { describe, expectTypeOf, it } from 'vitest';
import type { Event } from '../src/contract/event.js';
import type { EvtxWarningCode } from '../src/evtx/errors.js';
import type { EventRecord, ReadWarning } from '../src/evtx/record.js';

/** True only when A and B are each assignable to the other. */
type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compiles only for `true`. */
type Holds<T extends true> = T;

type Checks = [
  Holds<Mutual<EventRecord, Event>>,
  // The same fields are optional in both (mutual assignability alone would not see that).
  Holds<Mutual<Required<EventRecord>, Required<Event>>>,
  Holds<Mutual<keyof EventRecord, keyof Event>>,
  // Every code of the .evtx reader fits ReadWarning.code.
  Holds<EvtxWarningCode extends NonNullable<ReadWarning['code']> ? true : false>,
];

describe('the .evtx record type', () => {
  it('is the contract’s Event, field for field (checked by tsc)', () => {
    expectTypeOf<EventRecord>().toEqualTypeOf<Event>();
    expectTypeOf<EventRecord['data']>().toEqualTypeOf<Event['data']>();
    expectTypeOf<Checks>().toEqualTypeOf<[true, true, true, true]>();
  });
});

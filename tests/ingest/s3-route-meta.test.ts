/**
 * `meta.landfall.s3` is checked in plain code (src/ingest/s3-routes.ts) so AdvanceRun's bundle carries no zod: the
 * same routes, defaults and problem texts as the zod/mini schema it replaced, compared here on every combination of
 * a valid, a missing and a wrongly typed or out-of-range JSON value per field.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { parseS3RouteMeta } from '../../src/ingest/s3-routes';

z.config(en());

/** The schema the plain checks replaced, verbatim. */
const zodSchema = z.object({
  bucket: z.string().check(z.minLength(1)),
  prefix: z.string().check(z.minLength(1)),
  format: z._default(z.enum(['json', 'csv']), 'json'),
  compression: z._default(z.enum(['none', 'gzip']), 'none'),
  delimiter: z.optional(z.string().check(z.length(1))),
  ignore_header: z._default(z.int().check(z.minimum(0)), 0),
});

function viaZod(value: unknown) {
  const parsed = zodSchema.safeParse(value);
  return parsed.success ? { meta: parsed.data } : { problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
}

// Arrays are left out of the string fields' values: zod runs a string's length check on an array too and reports
// both (`expected string, received array` and `expected array to have >=1 items`); the plain check reports the first.
const values: Record<string, unknown[]> = {
  bucket: ['landing', '', undefined, 7, null, true, {}],
  prefix: ['firehose/x/', '', undefined, 0, null],
  format: ['json', 'csv', undefined, 'xml', null, 1],
  compression: ['none', 'gzip', undefined, 'zip', false],
  delimiter: [',', undefined, '', ',,', null, 9],
  // Only JSON values: routes are read from the manifest, a JSON file (NaN and Infinity become null there).
  ignore_header: [0, 3, undefined, -1, 1.5, '1', true, -2.5, 2 ** 60, null],
};

function* combinations(fields: string[], at = 0, partial: Record<string, unknown> = {}): Generator<Record<string, unknown>> {
  if (at === fields.length) {
    yield partial;
    return;
  }
  const field = fields[at]!;
  // The full product: every field valid, missing or wrong alongside every value of the others (63,000 inputs).
  for (const value of values[field]!) yield* combinations(fields, at + 1, value === undefined ? partial : { ...partial, [field]: value });
}

describe('meta.landfall.s3 checked without zod', () => {
  it('gives zod/mini\'s answer for every combination of field values', () => {
    let compared = 0;
    for (const meta of combinations(Object.keys(values))) {
      expect(parseS3RouteMeta(meta)).toEqual(viaZod(meta));
      compared += 1;
    }
    expect(compared).toBe(7 * 5 * 6 * 5 * 6 * 10);
  });

  it('refuses what is not an object, and ignores keys it does not know', () => {
    for (const value of [null, 'x', 5, [], undefined]) expect(parseS3RouteMeta(value)).toEqual(viaZod(value));
    expect(parseS3RouteMeta({ bucket: 'b', prefix: 'p/', extra: 1 })).toEqual({ meta: { bucket: 'b', prefix: 'p/', format: 'json', compression: 'none', ignore_header: 0 } });
  });
});

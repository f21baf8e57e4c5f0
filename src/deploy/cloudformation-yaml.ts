/**
 * The YAML schema of CloudFormation templates as serverless.yml and serverless/*.yml write them: the core schema,
 * merge keys (`<<`), and the short-form intrinsic tags loaded as their long form, whatever node they tag —
 * `!Ref x` → `{ Ref: 'x' }`, `!GetAtt a.b` → `{ 'Fn::GetAtt': ['a', 'b'] }`, `!Sub [s, {…}]` → `{ 'Fn::Sub': [s, {…}] }`,
 * `!Transform {…}` → `{ 'Fn::Transform': {…} }` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
 * One home for the deployment readers (src/deploy/serverless-template.ts, src/cli/grants/functions-role.ts).
 */
import * as yaml from 'js-yaml';

/** `Ref` and `Condition` keep their name; every other short tag is a `Fn::` function. */
const longName = (tagName: string): string => {
  const name = tagName.slice(1);
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
};

export const CLOUDFORMATION_YAML_SCHEMA = yaml.CORE_SCHEMA.withTags(
  yaml.mergeTag,
  yaml.defineScalarTag('!', {
    matchByTagPrefix: true,
    resolve: (source, _explicit, tagName) => ({ [longName(tagName)]: longName(tagName) === 'Fn::GetAtt' ? source.split('.') : source }),
    identify: () => false,
  }),
  yaml.defineSequenceTag('!', {
    matchByTagPrefix: true,
    create: (tagName) => ({ tagName, items: [] as unknown[] }),
    addItem: (carrier, item) => void carrier.items.push(item),
    finalize: (carrier) => ({ [longName(carrier.tagName)]: carrier.items }),
    identify: () => false,
  }),
  yaml.defineMappingTag('!', {
    matchByTagPrefix: true,
    create: (tagName) => ({ tagName, entries: {} as Record<string, unknown> }),
    addPair: (carrier, key, value) => {
      carrier.entries[String(key)] = value;
      return '';
    },
    has: (carrier, key) => String(key) in carrier.entries,
    keys: (result) => Object.keys(Object.values(result)[0] as object),
    get: (result, key) => (Object.values(result)[0] as Record<string, unknown>)[String(key)],
    finalize: (carrier) => ({ [longName(carrier.tagName)]: carrier.entries }),
    identify: () => false,
  }),
);

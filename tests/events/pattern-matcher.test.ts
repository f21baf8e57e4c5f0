import {
  compilePattern,
  InvalidPatternError,
  matchesPattern,
  validatePattern,
  type EventPattern,
} from '../../src/events/pattern-matcher';

type Case = [description: string, pattern: EventPattern, event: unknown, expected: boolean];

const ec2Event = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'source-ipv6': '2001:db8:85a3::8a2e:370:7334',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    'file-name': 'Report.PNG',
    'empty-value': '',
    'null-value': null,
    enabled: true,
    tags: ['blue', 'green'],
    nested: { inner: 'x' },
  },
};

const detail = (fields: EventPattern): EventPattern => ({ detail: fields });

describe('matchesPattern', () => {
  describe('exact values, fields and arrays', () => {
    it.each<Case>([
      ['matches an exact string', { source: ['aws.ec2'] }, ec2Event, true],
      ['rejects a different string', { source: ['aws.s3'] }, ec2Event, false],
      ['is case sensitive', { source: ['AWS.EC2'] }, ec2Event, false],
      ['ORs the values of one field', { source: ['aws.s3', 'aws.ec2'] }, ec2Event, true],
      ['ANDs fields: all match', { source: ['aws.ec2'], region: ['us-east-1'] }, ec2Event, true],
      ['ANDs fields: one fails', { source: ['aws.ec2'], region: ['eu-west-1'] }, ec2Event, false],
      ['matches nested objects', detail({ state: ['running'] }), ec2Event, true],
      ['matches deeper nesting', detail({ nested: { inner: ['x'] } }), ec2Event, true],
      ['rejects a missing field', detail({ missing: ['running'] }), ec2Event, false],
      ['matches numbers numerically', detail({ 'c-count': [5.0] }), ec2Event, true],
      ['does not match a number against its string', detail({ 'c-count': ['5'] }), ec2Event, false],
      ['matches a boolean', detail({ enabled: [true] }), ec2Event, true],
      ['does not match a boolean against its string', detail({ enabled: ['true'] }), ec2Event, false],
      ['matches null', detail({ 'null-value': [null] }), ec2Event, true],
      ['null does not match an empty string', detail({ 'empty-value': [null] }), ec2Event, false],
      ['null does not match a missing field', detail({ missing: [null] }), ec2Event, false],
      ['matches the empty string', detail({ 'empty-value': [''] }), ec2Event, true],
      ['the empty string does not match null', detail({ 'null-value': [''] }), ec2Event, false],
      ['matches if any element of an event array matches', detail({ tags: ['green', 'red'] }), ec2Event, true],
      ['rejects when no element of an event array matches', detail({ tags: ['red'] }), ec2Event, false],
      ['matches resources by intersection', { resources: ['arn:other', ec2Event.resources[0]] }, ec2Event, true],
      ['does not match a leaf value against an object', detail({ nested: ['x'] }), ec2Event, false],
      ['mixes exact values and operators in one list', detail({ state: ['stopped', { prefix: 'run' }] }), ec2Event, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('arrays of objects', () => {
    const event = {
      employees: [
        { firstName: 'John', lastName: 'Doe' },
        { firstName: 'Anna', lastName: 'Smith' },
        [{ firstName: 'Peter', lastName: 'Jones' }],
      ],
    };
    it.each<Case>([
      ['matches a field of any element', { employees: { firstName: ['Anna'] } }, event, true],
      ['flattens nested arrays', { employees: { firstName: ['Peter'] } }, event, true],
      ['matches two fields of the same element', { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event, true],
      ['refuses fields taken from different elements', { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event, false],
      ['flattens arrays of leaves', { values: [3] }, { values: [[1, 2], [3]] }, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('prefix and suffix', () => {
    it.each<Case>([
      ['prefix matches the start of a string', { time: [{ prefix: '2017-10-02' }] }, ec2Event, true],
      ['prefix rejects another start', { time: [{ prefix: '2017-10-03' }] }, ec2Event, false],
      ['prefix is case sensitive', detail({ state: [{ prefix: 'RUN' }] }), ec2Event, false],
      ['prefix ignores numbers', detail({ 'c-count': [{ prefix: '5' }] }), ec2Event, false],
      ['prefix with equals-ignore-case matches any case', detail({ state: [{ prefix: { 'equals-ignore-case': 'RUN' } }] }), ec2Event, true],
      ['prefix with equals-ignore-case still needs the prefix', detail({ state: [{ prefix: { 'equals-ignore-case': 'STOP' } }] }), ec2Event, false],
      ['suffix matches the end of a string', { source: [{ suffix: 'ec2' }] }, ec2Event, true],
      ['suffix is case sensitive', detail({ 'file-name': [{ suffix: '.png' }] }), ec2Event, false],
      ['suffix with equals-ignore-case matches any case', detail({ 'file-name': [{ suffix: { 'equals-ignore-case': '.png' } }] }), ec2Event, true],
      ['suffix with equals-ignore-case still needs the suffix', detail({ 'file-name': [{ suffix: { 'equals-ignore-case': '.jpg' } }] }), ec2Event, false],
      ['prefix applies to each element of an array', detail({ tags: [{ prefix: 'gr' }] }), ec2Event, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('equals-ignore-case', () => {
    it.each<Case>([
      ['matches regardless of case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, ec2Event, true],
      ['matches a mixed-case event value', detail({ 'file-name': [{ 'equals-ignore-case': 'report.png' }] }), ec2Event, true],
      ['still needs the same text', { source: [{ 'equals-ignore-case': 'AWS.S3' }] }, ec2Event, false],
      ['does not do prefixes', { source: [{ 'equals-ignore-case': 'AWS' }] }, ec2Event, false],
      ['ignores non-strings', detail({ enabled: [{ 'equals-ignore-case': 'TRUE' }] }), ec2Event, false],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('wildcard', () => {
    const s3 = { detail: { key: 'raw/eu/orders/part-1.json', star: 'price*2', slash: 'C:\\data', multiline: 'a\nb' } };
    it.each<Case>([
      ['* matches any run of characters', detail({ key: [{ wildcard: 'raw/*/orders/*.json' }] }), s3, true],
      ['* matches an empty run', detail({ key: [{ wildcard: 'raw/eu/orders/part-1.json*' }] }), s3, true],
      ['rejects text outside the pattern', detail({ key: [{ wildcard: 'raw/*/customers/*.json' }] }), s3, false],
      ['anchors both ends', detail({ key: [{ wildcard: 'eu/*' }] }), s3, false],
      ['treats regex characters literally', detail({ key: [{ wildcard: 'raw/eu/orders/part-1?json' }] }), s3, false],
      ['\\* matches a literal asterisk', detail({ star: [{ wildcard: 'price\\*2' }] }), s3, true],
      ['\\* does not act as a wildcard', detail({ star: [{ wildcard: 'pri\\*' }] }), s3, false],
      ['\\\\ matches a literal backslash', detail({ slash: [{ wildcard: 'C:\\\\*' }] }), s3, true],
      ['* spans newlines', detail({ multiline: [{ wildcard: 'a*b' }] }), s3, true],
      ['is case sensitive', detail({ key: [{ wildcard: 'RAW/*' }] }), s3, false],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('anything-but', () => {
    it.each<Case>([
      ['a string: matches other values', detail({ state: [{ 'anything-but': 'initializing' }] }), ec2Event, true],
      ['a string: rejects that value', detail({ state: [{ 'anything-but': 'running' }] }), ec2Event, false],
      ['a number: matches other numbers', detail({ 'x-limit': [{ 'anything-but': 123 }] }), ec2Event, true],
      ['a number: rejects that number', detail({ 'x-limit': [{ 'anything-but': 301.8 }] }), ec2Event, false],
      ['a string list: matches values outside it', detail({ state: [{ 'anything-but': ['stopped', 'overloaded'] }] }), ec2Event, true],
      ['a string list: rejects values inside it', detail({ state: [{ 'anything-but': ['stopped', 'running'] }] }), ec2Event, false],
      ['a number list: matches numbers outside it', detail({ 'x-limit': [{ 'anything-but': [100, 200, 300] }] }), ec2Event, true],
      ['a number list: rejects numbers inside it', detail({ 'c-count': [{ 'anything-but': [4, 5] }] }), ec2Event, false],
      ['never matches a missing field', detail({ missing: [{ 'anything-but': 'x' }] }), ec2Event, false],
      ['matches a null value (it is present)', detail({ 'null-value': [{ 'anything-but': 'x' }] }), ec2Event, true],
      ['matches an array when any element differs', detail({ tags: [{ 'anything-but': 'blue' }] }), ec2Event, true],
      ['rejects an array when every element is excluded', detail({ tags: [{ 'anything-but': ['blue', 'green'] }] }), ec2Event, false],
      ['prefix: matches other starts', { region: [{ 'anything-but': { prefix: 'eu-' } }] }, ec2Event, true],
      ['prefix: rejects that start', { region: [{ 'anything-but': { prefix: 'us-' } }] }, ec2Event, false],
      ['suffix: matches other ends', detail({ 'file-name': [{ 'anything-but': { suffix: '.png' } }] }), ec2Event, true],
      ['suffix: rejects that end', detail({ 'file-name': [{ 'anything-but': { suffix: '.PNG' } }] }), ec2Event, false],
      ['equals-ignore-case: rejects any casing', detail({ state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] }), ec2Event, false],
      ['equals-ignore-case: rejects a mixed-case event value', detail({ 'file-name': [{ 'anything-but': { 'equals-ignore-case': 'REPORT.png' } }] }), ec2Event, false],
      ['equals-ignore-case list: matches values outside it', detail({ state: [{ 'anything-but': { 'equals-ignore-case': ['STOPPED', 'PENDING'] } }] }), ec2Event, true],
      ['wildcard: matches paths outside it', { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { path: '/usr/bin/node' }, true],
      ['wildcard: rejects paths inside it', { path: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { path: '/usr/lib/node' }, false],
      ['wildcard list: rejects any listed shape', { path: [{ 'anything-but': { wildcard: ['*.tmp', '*/lib/*'] } }] }, { path: '/usr/lib/node' }, false],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('numeric', () => {
    it.each<Case>([
      ['a range: inside', detail({ 'c-count': [{ numeric: ['>', 0, '<=', 5] }] }), ec2Event, true],
      ['a range: the closed bound is included', detail({ 'c-count': [{ numeric: ['>=', 5, '<', 6] }] }), ec2Event, true],
      ['a range: the open bound is excluded', detail({ 'c-count': [{ numeric: ['>', 0, '<', 5] }] }), ec2Event, false],
      ['a range: outside', detail({ 'c-count': [{ numeric: ['>', 5, '<=', 10] }] }), ec2Event, false],
      ['one comparison: <', detail({ 'd-count': [{ numeric: ['<', 10] }] }), ec2Event, true],
      ['one comparison: >= fails', detail({ 'd-count': [{ numeric: ['>=', 10] }] }), ec2Event, false],
      ['= compares numerically', detail({ 'x-limit': [{ numeric: ['=', 3.018e2] }] }), ec2Event, true],
      ['= rejects another number', detail({ 'x-limit': [{ numeric: ['=', 301] }] }), ec2Event, false],
      ['ignores numeric strings', { count: [{ numeric: ['>', 0] }] }, { count: '5' }, false],
      ['compares numbers, not text', { count: [{ numeric: ['>', 9] }] }, { count: 10 }, true],
      ['handles negatives', { delta: [{ numeric: ['>=', -5, '<', 0] }] }, { delta: -0.5 }, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('exists', () => {
    it.each<Case>([
      ['true: matches a present leaf', detail({ 'c-count': [{ exists: true }] }), ec2Event, true],
      ['true: matches a present null', detail({ 'null-value': [{ exists: true }] }), ec2Event, true],
      ['true: rejects a missing field', detail({ missing: [{ exists: true }] }), ec2Event, false],
      ['true: rejects an object (not a leaf)', detail({ nested: [{ exists: true }] }), ec2Event, false],
      ['true: rejects an empty array', { list: [{ exists: true }] }, { list: [] }, false],
      ['false: matches a missing field', detail({ missing: [{ exists: false }] }), ec2Event, true],
      ['false: matches when the parent is missing too', { nowhere: { field: [{ exists: false }] } }, ec2Event, true],
      ['false: matches an object (not a leaf)', detail({ nested: [{ exists: false }] }), ec2Event, true],
      ['false: rejects a present leaf', detail({ state: [{ exists: false }] }), ec2Event, false],
      ['false: rejects a present null', detail({ 'null-value': [{ exists: false }] }), ec2Event, false],
      ['combines with other values in the list', detail({ missing: ['x', { exists: false }] }), ec2Event, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('cidr', () => {
    it.each<Case>([
      ['IPv4: inside the block', detail({ 'source-ip': [{ cidr: '10.0.0.0/24' }] }), ec2Event, true],
      ['IPv4: outside the block', detail({ 'source-ip': [{ cidr: '10.0.1.0/24' }] }), ec2Event, false],
      ['IPv4: a /8 block', detail({ 'source-ip': [{ cidr: '10.0.0.0/8' }] }), ec2Event, true],
      ['IPv4: a /32 block is one address', detail({ 'source-ip': [{ cidr: '10.0.0.33/32' }] }), ec2Event, true],
      ['IPv6: inside the block', detail({ 'source-ipv6': [{ cidr: '2001:db8::/32' }] }), ec2Event, true],
      ['IPv6: outside the block', detail({ 'source-ipv6': [{ cidr: '2001:db9::/32' }] }), ec2Event, false],
      ['does not mix families', detail({ 'source-ip': [{ cidr: '::/0' }] }), ec2Event, false],
      ['ignores non-addresses', detail({ state: [{ cidr: '0.0.0.0/0' }] }), ec2Event, false],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('$or', () => {
    const cloudwatch = { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/EC2', metricType: 'MetricType' };
    it.each<Case>([
      ['matches when one alternative matches', { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] }, cloudwatch, true],
      ['rejects when no alternative matches', { $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/ES'] }] }, cloudwatch, false],
      ['still ANDs the other fields', { source: ['aws.s3'], $or: [{ metricName: ['NetworkIn'] }, { namespace: ['AWS/EC2'] }] }, cloudwatch, false],
      ['an alternative can AND several fields', { $or: [{ metricName: ['CPU'] }, { metricType: ['MetricType'], namespace: ['AWS/EC2'] }] }, cloudwatch, true],
      ['alternatives can nest another $or', { $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'], $or: [{ metricType: ['Other'] }, { source: ['aws.cloudwatch'] }] }] }, cloudwatch, true],
      ['works inside nested objects', detail({ $or: [{ state: ['stopped'] }, { 'c-count': [{ numeric: ['>', 4] }] }] }), ec2Event, true],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  describe('the rules suggested in the reference (§9)', () => {
    const dmsRule = {
      source: ['aws.dms'],
      'detail-type': ['DMS Replication Task State Change', 'DMS Replication State Change'],
      detail: { eventType: ['REPLICATION_TASK_STOPPED', 'REPLICATION_TASK_FAILED', 'REPLICATION_FAILED'] },
    };
    const s3Rule = {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['my-landing'] }, object: { key: [{ prefix: 'firehose/orders/' }] } },
    };
    const dataApiRule = {
      source: ['aws.redshift-data'],
      'detail-type': ['Redshift Data Statement Status Change'],
      detail: { state: ['FAILED', 'ABORTED'], statementName: [{ prefix: 'elt/' }] },
    };
    const fivetranRule = { source: ['com.example.fivetran'], 'detail-type': ['sync_end'], detail: { data: { status: ['SUCCESSFUL'] } } };

    const dmsStopped = {
      version: '0',
      'detail-type': 'DMS Replication Task State Change',
      source: 'aws.dms',
      resources: ['arn:aws:dms:us-east-1:123456789012:task:E2FDDWUKQJV7UCIKU3GCEWAXX6HYE5OKAILG7AA'],
      detail: { eventId: 'DMS-EVENT-0079', eventType: 'REPLICATION_TASK_STOPPED', type: 'REPLICATION_TASK', category: 'StateChange' },
    };
    const dmsServerlessInitializing = {
      'detail-type': 'DMS Replication State Change',
      source: 'aws.dms',
      detail: { type: 'REPLICATION_CONFIG', category: 'StateChange', eventType: 'REPLICATION_INITIALIZING' },
    };
    const s3Created = (bucket: string, key: string) => ({
      'detail-type': 'Object Created',
      source: 'aws.s3',
      detail: { version: '0', bucket: { name: bucket }, object: { key, size: 5 }, reason: 'PutObject' },
    });
    const statementChanged = (state: string, statementName: string) => ({
      'detail-type': 'Redshift Data Statement Status Change',
      source: 'aws.redshift-data',
      detail: { state, statementName, statementId: '1a2b' },
    });
    const fivetranForwarded = (status: string) => ({
      source: 'com.example.fivetran',
      'detail-type': 'sync_end',
      detail: { event: 'sync_end', connector_id: 'wetransfer_app_db', data: { status } },
    });

    it.each<Case>([
      ['DMS: a stopped task matches', dmsRule, dmsStopped, true],
      ['DMS: a Serverless failure matches', dmsRule, { ...dmsServerlessInitializing, detail: { ...dmsServerlessInitializing.detail, eventType: 'REPLICATION_FAILED' } }, true],
      ['DMS: an initializing config does not match', dmsRule, dmsServerlessInitializing, false],
      ['S3: an object under the prefix matches', s3Rule, s3Created('my-landing', 'firehose/orders/2026/11/27/01/orders-1-2026-11-27-01-00-00-abc.gz'), true],
      ['S3: another prefix does not match', s3Rule, s3Created('my-landing', 'firehose/customers/x.gz'), false],
      ['S3: another bucket does not match', s3Rule, s3Created('other-bucket', 'firehose/orders/x.gz'), false],
      ['Data API: a failed elt statement matches', dataApiRule, statementChanged('FAILED', 'elt/run-1/stg_app__users'), true],
      ['Data API: a finished statement does not match', dataApiRule, statementChanged('FINISHED', 'elt/run-1/stg_app__users'), false],
      ['Data API: someone else’s statement does not match', dataApiRule, statementChanged('ABORTED', 'adhoc/query'), false],
      ['Fivetran: a successful sync matches', fivetranRule, fivetranForwarded('SUCCESSFUL'), true],
      ['Fivetran: a failed sync does not match', fivetranRule, fivetranForwarded('FAILURE_WITH_TASK'), false],
    ])('%s', (_description, pattern, event, expected) => {
      expect(matchesPattern(pattern, event)).toBe(expected);
    });
  });

  it('reads only own fields of the event, not inherited ones', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
  });
});

describe('compilePattern', () => {
  it('returns a matcher that can be reused for many events', () => {
    const rule = compilePattern({ source: ['landfall'], 'detail-type': ['Data Arrived'] });
    expect(rule.matches({ source: 'landfall', 'detail-type': 'Data Arrived' })).toBe(true);
    expect(rule.matches({ source: 'landfall', 'detail-type': 'Loader Failed' })).toBe(false);
    expect(rule.matches('not an event')).toBe(false);
  });
});

describe('validatePattern', () => {
  it('accepts every operator form', () => {
    expect(() =>
      validatePattern({
        a: ['x', 1, true, null, ''],
        b: [{ prefix: 'p' }, { prefix: { 'equals-ignore-case': 'P' } }, { suffix: 's' }, { suffix: { 'equals-ignore-case': 'S' } }],
        c: [{ 'anything-but': 'x' }, { 'anything-but': 1 }, { 'anything-but': ['x', 'y'] }, { 'anything-but': [1, 2] }],
        d: [{ 'anything-but': { prefix: 'p' } }, { 'anything-but': { suffix: 's' } }, { 'anything-but': { 'equals-ignore-case': ['x'] } }, { 'anything-but': { wildcard: '*.x' } }],
        e: [{ numeric: ['=', 1] }, { numeric: ['>', 0, '<=', 5] }, { exists: true }, { cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }],
        f: [{ 'equals-ignore-case': 'x' }, { wildcard: 'a*b\\*c\\\\' }],
        $or: [{ g: ['1'] }, { h: { i: ['2'] } }],
      }),
    ).not.toThrow();
  });

  it.each<[description: string, pattern: unknown, message: string]>([
    ['a pattern that is not an object', ['source'], '(root): a pattern must be a JSON object, got array ["source"]'],
    ['an empty pattern', {}, '(root): empty object; a pattern needs at least one field'],
    ['a bare value instead of a list', { source: 'aws.s3' }, 'source: must be an array of match values or a nested object, got string "aws.s3" (write ["aws.s3"])'],
    ['an empty list', { detail: { state: [] } }, 'detail.state: empty array; a field needs at least one match value'],
    ['an empty nested object', { detail: {} }, 'detail: empty object; a pattern needs at least one field'],
    ['an unknown operator', { detail: { bucket: { name: [{ prefx: 'raw-' }] } } }, 'detail.bucket.name[0]: unknown operator "prefx"'],
    ['two operators in one object', { key: ['a', { prefix: 'a', suffix: 'b' }] }, 'key[1]: an operator object must have exactly one key, got 2 ("prefix", "suffix")'],
    ['a nested list', { key: [['a']] }, 'key[0]: nested arrays are not allowed as match values'],
    ['a prefix that is not a string', { key: [{ prefix: 5 }] }, 'key[0].prefix: must be a string or {"equals-ignore-case": "<string>"}, got number 5'],
    ['a suffix with an unknown option', { key: [{ suffix: { 'ignore-case': '.png' } }] }, 'key[0].suffix: must be a string or {"equals-ignore-case": "<string>"}, got object {"ignore-case":".png"}'],
    ['equals-ignore-case with a number', { key: [{ 'equals-ignore-case': 1 }] }, 'key[0].equals-ignore-case: must be a string, got number 1'],
    ['exists that is not a boolean', { key: [{ exists: 'yes' }] }, 'key[0].exists: must be true or false, got string "yes"'],
    ['anything-but null', { key: [{ 'anything-but': null }] }, 'key[0].anything-but: must be a string, a number, a list of strings or of numbers, or {prefix|suffix|equals-ignore-case|wildcard: …}, got null'],
    ['anything-but with a mixed list', { key: [{ 'anything-but': ['a', 1] }] }, 'key[0].anything-but: an anything-but list must be non-empty and hold only strings or only numbers'],
    ['anything-but numeric', { key: [{ 'anything-but': { numeric: ['>', 1] } }] }, 'key[0].anything-but.numeric: anything-but does not support "numeric"; use prefix, suffix, equals-ignore-case or wildcard'],
    ['anything-but prefix with a number', { key: [{ 'anything-but': { prefix: 1 } }] }, 'key[0].anything-but.prefix: must be a string, got number 1'],
    ['numeric with an odd length', { n: [{ numeric: ['>', 0, '<'] }] }, 'n[0].numeric: must be [operator, number] or [">"|">=", number, "<"|"<=", number], got array [">",0,"<"]'],
    ['numeric with an unknown operator', { n: [{ numeric: ['!=', 0] }] }, 'n[0].numeric: unknown numeric operator string "!=" at position 0; use =, <, <=, > or >='],
    ['numeric with a string bound', { n: [{ numeric: ['>', '0'] }] }, 'n[0].numeric: numeric operator ">" needs a number at position 1, got string "0"'],
    ['numeric with bounds in the wrong order', { n: [{ numeric: ['<', 5, '>', 0] }] }, 'n[0].numeric: a numeric range must be a lower bound (> or >=) followed by an upper bound (< or <=), got "<" then ">"'],
    ['numeric with an empty range', { n: [{ numeric: ['>', 5, '<', 5] }] }, 'n[0].numeric: the lower bound 5 must be less than the upper bound 5'],
    ['cidr without a prefix length', { ip: [{ cidr: '10.0.0.1' }] }, 'ip[0].cidr: not a valid IPv4 or IPv6 CIDR block: "10.0.0.1"'],
    ['cidr with a prefix length too long', { ip: [{ cidr: '10.0.0.0/33' }] }, 'ip[0].cidr: not a valid IPv4 or IPv6 CIDR block: "10.0.0.0/33"'],
    ['cidr with a bad address', { ip: [{ cidr: '10.0.0.256/24' }] }, 'ip[0].cidr: not a valid IPv4 or IPv6 CIDR block: "10.0.0.256/24"'],
    ['wildcard with consecutive stars', { key: [{ wildcard: 'a**b' }] }, 'key[0].wildcard: consecutive wildcard characters at position 1 are not allowed'],
    ['wildcard with an unknown escape', { key: [{ wildcard: 'a\\nb' }] }, 'key[0].wildcard: invalid escape "\\n" at position 1; only \\* and \\\\ are allowed'],
    ['wildcard with a trailing backslash', { key: [{ wildcard: 'ab\\' }] }, 'key[0].wildcard: invalid escape a trailing backslash at position 2; only \\* and \\\\ are allowed'],
    ['$or with one alternative', { $or: [{ a: ['1'] }] }, '$or: "$or" must be an array of at least two sub-patterns, got array [{"a":["1"]}]'],
    ['$or with an object', { $or: { a: ['1'] } }, '$or: "$or" must be an array of at least two sub-patterns, got object {"a":["1"]}'],
    ['a bad alternative inside $or', { detail: { $or: [{ a: ['1'] }, { b: [{ sufix: 'x' }] }] } }, 'detail.$or[1].b[0]: unknown operator "sufix"'],
  ])('rejects %s', (_description, pattern, message) => {
    let thrown: unknown;
    try {
      validatePattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidPatternError);
    expect((thrown as InvalidPatternError).message).toBe(message);
  });

  it('exposes the path and the problem separately', () => {
    expect(() => validatePattern({ detail: { bucket: { name: [{ prefx: 'raw-' }] } } })).toThrow(
      expect.objectContaining({ name: 'InvalidPatternError', path: 'detail.bucket.name[0]', problem: 'unknown operator "prefx"' }),
    );
  });

  it('makes matchesPattern throw on a malformed pattern rather than answer false', () => {
    expect(() => matchesPattern({ source: 'aws.s3' } as unknown as EventPattern, { source: 'aws.s3' })).toThrow(InvalidPatternError);
  });
});

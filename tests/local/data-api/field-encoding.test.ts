import { toWireColumnMetadata, toWireField } from '../../../src/local/data-api/field-encoding';

describe('toWireField', () => {
  it.each([
    ['42', 'int4', { longValue: 42 }],
    ['9007199254740991', 'int8', { longValue: 9007199254740991 }],
    ['-3', 'int2', { longValue: -3 }],
    ['1.5', 'float8', { doubleValue: 1.5 }],
    ['NaN', 'float8', { stringValue: 'NaN' }],
    ['12.50', 'numeric', { stringValue: '12.50' }],
    ['t', 'bool', { booleanValue: true }],
    ['f', 'bool', { booleanValue: false }],
    ['2024-01-02 03:04:05', 'timestamp', { stringValue: '2024-01-02 03:04:05' }],
    ['2024-01-02', 'date', { stringValue: '2024-01-02' }],
    ['\\x0102ff', 'bytea', { blobValue: Buffer.from([1, 2, 255]).toString('base64') }],
    ['hello', 'text', { stringValue: 'hello' }],
    [null, 'int4', { isNull: true }],
  ])('encodes %p of type %s as %p', (value, typeName, field) => {
    expect(toWireField(value, typeName)).toEqual(field);
  });
});

describe('toWireColumnMetadata', () => {
  it('reports text as varchar, as Redshift has no text type, and keeps other names', () => {
    expect(toWireColumnMetadata({ name: 'a', typeName: 'text' })).toMatchObject({ name: 'a', label: 'a', typeName: 'varchar' });
    expect(toWireColumnMetadata({ name: 'n', typeName: 'numeric' })).toMatchObject({ typeName: 'numeric', isSigned: true });
  });
});

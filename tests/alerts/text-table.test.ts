import { formatTextTable } from '../../src/alerts';

describe('Function: formatTextTable', () => {
  it('aligns columns, right-aligning numbers and NULLs', () => {
    expect(formatTextTable({ columns: ['id', 'name'], rows: [[1, 'a'], [100, null]] })).toBe(
      [' id  | name', '-----+------', '   1 | a', ' 100 | NULL'].join('\n'),
    );
  });

  it('accepts column objects such as a warehouse result set has', () => {
    expect(formatTextTable({ columns: [{ name: 'ok' }], rows: [[true]] })).toBe([' ok', '------', ' true'].join('\n'));
  });

  it('cuts long cells with an ellipsis and keeps multi-byte characters aligned', () => {
    const table = formatTextTable({ columns: ['v', 'w'], rows: [['ééééé', 'x'], ['abcdefghij', 'y']] }, { maxCellWidth: 6 });

    expect(table.split('\n')).toEqual([' v      | w', '--------+---', ' ééééé  | x', ' abcde… | y']);
  });
});

import { composeLoaderFailureAlert } from '../../src/alerts';

describe('Function: composeLoaderFailureAlert', () => {
  const failure = {
    loader: 'fivetran',
    connectorId: 'empty_bount',
    status: 'FAILURE_WITH_TASK',
    reason: 'java.lang.RuntimeException: reconnect_warehouse\n  at com.fivetran.Sync.run',
    at: '2023-07-07T09:56:43.688Z',
  };

  it('names the loader, connector and status in the subject', () => {
    expect(composeLoaderFailureAlert(failure).subject).toBe('[landfall] fivetran sync failed: empty_bount (FAILURE_WITH_TASK)');
  });

  it('lists the facts and quotes the reason indented', () => {
    const { body } = composeLoaderFailureAlert(failure);

    expect(body.split('\n')[0]).toBe('The fivetran sync of connector empty_bount failed with status FAILURE_WITH_TASK.');
    expect(body).toContain('Failed at:  2023-07-07T09:56:43.688Z');
    expect(body).toContain('    java.lang.RuntimeException: reconnect_warehouse\n      at com.fivetran.Sync.run');
  });

  it('says when the loader gave no reason', () => {
    expect(composeLoaderFailureAlert({ ...failure, reason: undefined }).body).toContain('(fivetran gave no reason)');
  });

  it('keeps the subject within 99 characters on one line and the body far below 256 KB', () => {
    const { subject, body } = composeLoaderFailureAlert({ ...failure, connectorId: 'c\n'.repeat(500), reason: 'é'.repeat(500_000) });

    expect([...subject].length).toBeLessThanOrEqual(99);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(body)).toBeLessThan(100_000);
    expect(body).toMatch(/\[… truncated: [\d,]+ more bytes; see the fivetran dashboard for the full text\]/);
  });
});

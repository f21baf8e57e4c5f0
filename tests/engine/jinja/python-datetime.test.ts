/**
 * Expected values are what dbt-core 1.10 prints for `modules.datetime` and `run_started_at`.
 */
import { PyDatetime, strptime } from '../../../src/engine/jinja/python-datetime';
import { renderInContext } from '../../support/render-in-context';

function render(source: string): string {
  return renderInContext(source, { vars: { start: '2024-01-31' }, runStartedAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) });
}

const D = "{% set d = modules.datetime.datetime.strptime(var('start'), '%Y-%m-%d') %}";

describe('modules.datetime in templates', () => {
  it('parses with strptime and moves by timedelta with + and -', () => {
    expect(render(`${D}{{ d + modules.datetime.timedelta(days=1) }}|{{ (d - modules.datetime.timedelta(hours=1)).strftime('%Y-%m-%d %H') }}`))
      .toBe('2024-02-01 00:00:00|2024-01-30 23');
    expect(render('{{ modules.datetime.date(2024, 2, 28) + modules.datetime.timedelta(days=2) }}')).toBe('2024-03-01');
  });

  it('subtracts datetimes into a timedelta and compares them', () => {
    expect(render(`${D}{{ (modules.datetime.datetime(2024, 3, 1) - d).days }}|{{ modules.datetime.datetime(2024, 3, 1) - modules.datetime.datetime(2024, 2, 28, 12) }}|{{ modules.datetime.datetime(2024, 1, 1) < d }}`))
      .toBe('30|1 day, 12:00:00|True');
  });

  it('prints naive datetimes without a zone and run_started_at with +00:00', () => {
    expect(render("{{ modules.datetime.datetime(2024, 2, 28, 13, 5) }}|{{ modules.datetime.date(2024, 2, 28).isoformat() }}|{{ run_started_at }}|{{ run_started_at.isoformat() }}"))
      .toBe('2024-02-28 13:05:00|2024-02-28|2024-01-02 03:04:05.678000+00:00|2024-01-02T03:04:05.678000+00:00');
  });

  it('has date(), weekday(), replace() and strftime with names', () => {
    expect(render(`${D}{{ d.date() }} {{ d.weekday() }} {{ d.isoweekday() }} {{ d.replace(day=1) }} {{ d.strftime('%A %B %b %a %j') }}`))
      .toBe('2024-01-31 2 3 2024-01-01 00:00:00 Wednesday January Jan Wed 031');
  });
});

describe('Function: strptime', () => {
  it('reads the format, not just ISO text', () => {
    expect(String(strptime('31/01/2024 14:30', '%d/%m/%Y %H:%M'))).toBe('2024-01-31 14:30:00');
    expect(String(strptime('Mar 5 2024', '%b %d %Y'))).toBe('2024-03-05 00:00:00');
  });

  it('fails like Python when the text does not match', () => {
    expect(() => strptime('2024-13', '%Y-%m-%d')).toThrow(/does not match format/);
  });

  it('reads an explicit zone into the UTC instant, as an aware datetime', () => {
    const parsed = strptime('2024-01-01 10:00:00+02:00', '%Y-%m-%d %H:%M:%S%z');
    expect(parsed).toBeInstanceOf(PyDatetime);
    expect([parsed.instant.toISOString(), parsed.aware]).toEqual(['2024-01-01T08:00:00.000Z', true]);
  });
});

describe('pytz time zones (dbt_date\'s compile-time comparisons)', () => {
  // Python 3.11 + pytz printed these for the same calls.
  it('localizes a naive datetime, converts, and prints offsets as Python does', () => {
    const tokyo = "{% set tz = modules.pytz.timezone('Asia/Tokyo') %}{% set d = tz.localize(modules.datetime.datetime(2026, 9, 1)) %}";
    expect(render(`${tokyo}{{ d }}|{{ d.astimezone(modules.pytz.utc) }}|{{ d.hour }}|{{ d.strftime('%Y-%m-%d %H:%M %z') }}|{{ d.tzinfo }}|{{ d.timestamp() | int }}`))
      .toBe('2026-09-01 00:00:00+09:00|2026-08-31 15:00:00+00:00|0|2026-09-01 00:00 +0900|Asia/Tokyo|1788188400');
  });

  it('follows daylight saving time, compares instants across zones, and refuses unknown zones', () => {
    const la = "{% set tz = modules.pytz.timezone('America/Los_Angeles') %}";
    expect(render(`${la}{{ tz.localize(modules.datetime.datetime(2026, 1, 15, 12)) }} {{ tz.localize(modules.datetime.datetime(2026, 7, 15, 12)) }}`))
      .toBe('2026-01-15 12:00:00-08:00 2026-07-15 12:00:00-07:00');
    expect(render(`${la}{{ tz.localize(modules.datetime.datetime(2026, 9, 1)).timestamp() > modules.datetime.datetime.fromisoformat('2026-09-01T06:59:59+00:00').timestamp() }}`)).toBe('True');
    expect(() => render("{{ modules.pytz.timezone('Nowhere/Else') }}")).toThrow(/UnknownTimeZoneError: 'Nowhere\/Else'/);
  });
});

/**
 * The part of Python's `datetime` module dbt projects use through `modules.datetime` and
 * `run_started_at`: construct, `now()`/`utcnow()`/`today()`, `strptime`/`fromisoformat`, `strftime`,
 * `isoformat`, `date()`, `weekday()`, `replace(...)`, and `timedelta` arithmetic (`+`/`-` in templates go
 * through src/engine/jinja/python-compat.ts to `add`/`subtract`), printed the way Python prints them.
 * Times are UTC unless a `pytz` zone is attached (`tz.localize(dt)`, `dt.astimezone(tz)`, `tzinfo=tz`): then
 * the wall-clock fields, `strftime` and printing are in that zone (IANA names, offsets from `Intl`).
 * `run_started_at` is timezone-aware (prints `+00:00`); datetimes a template builds are naive, as in Python.
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export class PyTimedelta {
  constructor(readonly milliseconds: number) {}
  total_seconds(): number {
    return this.milliseconds / 1000;
  }
  get days(): number {
    return Math.floor(this.milliseconds / DAY_MS);
  }
  /** Seconds past the whole days, as Python's `timedelta.seconds`. */
  get seconds(): number {
    return Math.floor((this.milliseconds - this.days * DAY_MS) / 1000);
  }
  get microseconds(): number {
    return (((this.milliseconds % 1000) + 1000) % 1000) * 1000;
  }
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.milliseconds : this.toString();
  }
  /** `1 day, 2:03:04`, as Python prints a timedelta. */
  toString(): string {
    const days = this.days;
    const rest = this.seconds;
    const clock = `${Math.floor(rest / 3600)}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return days === 0 ? clock : `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}`;
  }
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** A `pytz` time zone: `localize(naive)`, `utcoffset(dt)`, `zone`; prints its name. */
function zoneFormat(zone: string): Intl.DateTimeFormat {
  let format = zoneFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      throw new Error(`UnknownTimeZoneError: '${zone}'`);
    }
    zoneFormats.set(zone, format);
  }
  return format;
}

export class PyTimezone {
  private madeFormat?: Intl.DateTimeFormat;
  constructor(readonly zone: string) {
    // Any zone but UTC is checked now, as pytz.timezone() raises at once. UTC_ZONE is made when this module loads,
    // in every process: its format (the first one loads ICU's zone data, ~20 ms) waits until an offset is asked for.
    if (zone !== 'UTC') this.madeFormat = zoneFormat(zone);
  }
  private get format(): Intl.DateTimeFormat {
    return (this.madeFormat ??= zoneFormat(this.zone));
  }
  /** Minutes east of UTC at an instant. */
  offsetAt(instant: Date): number {
    const parts = Object.fromEntries(this.format.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
    const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
    return Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  }
  /** The instant whose wall-clock time in this zone is `wallMs` (wall fields read as UTC). */
  instantOf(wallMs: number): Date {
    const first = wallMs - this.offsetAt(new Date(wallMs)) * 60_000;
    return new Date(wallMs - this.offsetAt(new Date(first)) * 60_000);
  }
  /** pytz's `localize(naive)`: the same wall-clock time, in this zone. */
  localize(dt: PyDatetime): PyDatetime {
    return new PyDatetime(this.instantOf(dt.instant.getTime()), false, true, this);
  }
  utcoffset(dt: PyDatetime): PyTimedelta {
    return new PyTimedelta(this.offsetAt(dt.instant) * 60_000);
  }
  toString(): string {
    return this.zone;
  }
}

export const UTC_ZONE = new PyTimezone('UTC');

export class PyDatetime {
  /**
   * @param instant the moment (UTC)
   * @param dateOnly a `datetime.date`
   * @param aware whether it carries a time zone (UTC): prints `+00:00` as Python's aware datetimes do
   */
  constructor(readonly instant: Date, readonly dateOnly = false, readonly aware = !dateOnly, readonly zone: PyTimezone | null = null) {}
  /** The wall-clock time (in the zone, else UTC) as a Date read with getUTC*. */
  private get wall(): Date {
    return this.zone ? new Date(this.instant.getTime() + this.zone.offsetAt(this.instant) * 60_000) : this.instant;
  }
  get year() { return this.wall.getUTCFullYear(); }
  get month() { return this.wall.getUTCMonth() + 1; }
  get day() { return this.wall.getUTCDate(); }
  get hour() { return this.wall.getUTCHours(); }
  get minute() { return this.wall.getUTCMinutes(); }
  get second() { return this.wall.getUTCSeconds(); }
  get microsecond() { return this.wall.getUTCMilliseconds() * 1000; }
  get tzinfo() { return this.zone ?? (this.aware ? UTC_ZONE : null); }
  /** `dt.astimezone(tz)`: the same instant in another zone. */
  astimezone(zone?: PyTimezone): PyDatetime {
    return new PyDatetime(this.instant, false, true, zone ?? UTC_ZONE);
  }
  /** `+HH:MM`, or '' for a naive datetime. */
  private offsetText(colon: boolean): string {
    if (!this.aware) return '';
    const minutes = this.zone ? this.zone.offsetAt(this.instant) : 0;
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
  }
  /** Monday is 0. */
  weekday(): number {
    return (this.instant.getUTCDay() + 6) % 7;
  }
  /** Monday is 1. */
  isoweekday(): number {
    return this.weekday() + 1;
  }
  strftime(format: string): string {
    const d = this.wall;
    const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
    const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
    const codes: Record<string, string> = {
      Y: String(d.getUTCFullYear()), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()), f: pad(this.microsecond, 6), y: pad(d.getUTCFullYear() % 100),
      j: pad(dayOfYear, 3), '%': '%', z: this.offsetText(false), Z: this.aware ? String(this.tzinfo) : '',
      A: WEEKDAYS[this.weekday()]!, a: WEEKDAYS[this.weekday()]!.slice(0, 3), B: MONTHS[d.getUTCMonth()]!, b: MONTHS[d.getUTCMonth()]!.slice(0, 3),
      h: MONTHS[d.getUTCMonth()]!.slice(0, 3), I: pad(hour12), p: d.getUTCHours() < 12 ? 'AM' : 'PM', w: String(d.getUTCDay()), u: String(this.isoweekday()),
      e: String(d.getUTCDate()).padStart(2, ' '), F: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    };
    return format.replace(/%([A-Za-z%])/g, (whole, code: string) => codes[code] ?? whole);
  }
  isoformat(sep = 'T'): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : this.render(sep);
  }
  /** `datetime.date()` */
  date(): PyDatetime {
    return new PyDatetime(new Date(Date.UTC(this.year, this.month - 1, this.day)), true, false);
  }
  /** @deprecated the name before `date()`; kept for callers of the earlier API. */
  toDate(): PyDatetime {
    return this.date();
  }
  timestamp(): number {
    return this.instant.getTime() / 1000;
  }
  add(delta: PyTimedelta): PyDatetime {
    const moved = new Date(this.instant.getTime() + delta.milliseconds);
    // A date moves by whole days only, as Python's `date + timedelta` does.
    return new PyDatetime(this.dateOnly ? new Date(Date.UTC(moved.getUTCFullYear(), moved.getUTCMonth(), moved.getUTCDate())) : moved, this.dateOnly, this.aware, this.zone);
  }
  subtract(delta: PyTimedelta): PyDatetime {
    return this.add(new PyTimedelta(-delta.milliseconds));
  }
  replace(...args: unknown[]): PyDatetime {
    const last = args[args.length - 1];
    const parts = (last && typeof last === 'object' ? last : {}) as Record<string, unknown>;
    const d = this.wall;
    const num = (key: string, fallback: number) => (parts[key] === undefined ? fallback : Number(parts[key]));
    const wall = Date.UTC(num('year', d.getUTCFullYear()), num('month', d.getUTCMonth() + 1) - 1, num('day', d.getUTCDate()),
      num('hour', d.getUTCHours()), num('minute', d.getUTCMinutes()), num('second', d.getUTCSeconds()),
      parts.microsecond !== undefined ? Math.floor(Number(parts.microsecond) / 1000) : d.getUTCMilliseconds());
    // `tzinfo=` keeps the wall-clock time and attaches (or with None removes) the zone, as Python's replace does.
    const zone = 'tzinfo' in parts ? (parts.tzinfo instanceof PyTimezone ? parts.tzinfo : null) : this.zone;
    const aware = 'tzinfo' in parts ? parts.tzinfo !== null && parts.tzinfo !== undefined : this.aware;
    return new PyDatetime(zone ? zone.instantOf(wall) : new Date(wall), this.dateOnly, aware, zone);
  }
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.instant.getTime() : this.toString();
  }
  toString(): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : this.render(' ');
  }
  private render(sep: string): string {
    return `${this.strftime(`%Y-%m-%d${sep}%H:%M:%S`)}${this.microsecond ? `.${this.strftime('%f')}` : ''}${this.offsetText(true)}`;
  }
}

function keywordsOf(args: unknown[]): { positional: number[]; keywords: Record<string, number> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && '__keywords' in last) {
    const { __keywords: _k, ...keywords } = last;
    return { positional: args.slice(0, -1).map(Number), keywords: keywords as Record<string, number> };
  }
  return { positional: args.map(Number), keywords: {} };
}

const construct = (dateOnly: boolean) => (...args: unknown[]) => {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const zone = !dateOnly && last && typeof last === 'object' && last.tzinfo instanceof PyTimezone ? last.tzinfo : null;
  const { positional: [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0, us = 0], keywords: k } = keywordsOf(args);
  const wall = Date.UTC(k.year ?? y, (k.month ?? mo) - 1, k.day ?? d, k.hour ?? h, k.minute ?? mi, k.second ?? s, Math.floor((k.microsecond ?? us) / 1000));
  // `tzinfo=zone` is read with the zone's current rules (pytz itself would attach the zone's first, local-mean-time offset).
  return zone ? new PyDatetime(zone.instantOf(wall), false, true, zone) : new PyDatetime(new Date(wall), dateOnly, false);
};

/** The codes `strptime` reads, as regular-expression groups. */
const STRPTIME_CODES: Record<string, string> = {
  Y: '(?<Y>\\d{4})', m: '(?<m>\\d{1,2})', d: '(?<d>\\d{1,2})', H: '(?<H>\\d{1,2})', M: '(?<M>\\d{1,2})', S: '(?<S>\\d{1,2})',
  f: '(?<f>\\d{1,6})', y: '(?<y>\\d{2})', j: '(?<j>\\d{1,3})', b: '(?<b>[A-Za-z]{3})', B: '(?<B>[A-Za-z]+)', z: '(?<z>[+-]\\d{2}:?\\d{2}|Z)?',
  '%': '%', a: '[A-Za-z]{3}', A: '[A-Za-z]+', p: '(?<p>AM|PM|am|pm)', I: '(?<I>\\d{1,2})',
};

/** Python's `datetime.strptime(text, format)`; a ValueError-like error when the text does not match. */
export function strptime(text: string, format: string): PyDatetime {
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([A-Za-z%])/g, (whole, code: string) => STRPTIME_CODES[code] ?? whole);
  const match = new RegExp(`^${pattern}$`).exec(String(text));
  if (!match) throw new Error(`ValueError: time data '${text}' does not match format '${format}'`);
  const g = match.groups ?? {};
  const monthName = g.b ?? g.B;
  const month = monthName ? MONTHS.findIndex((m) => m.toLowerCase().startsWith(monthName.toLowerCase())) + 1 : Number(g.m ?? 1);
  const year = g.Y ? Number(g.Y) : g.y ? 2000 + Number(g.y) - (Number(g.y) >= 69 ? 100 : 0) : 1900;
  let hour = Number(g.H ?? g.I ?? 0);
  if (g.p && g.I) hour = (hour % 12) + (g.p.toUpperCase() === 'PM' ? 12 : 0);
  const base = Date.UTC(year, month - 1, g.j ? 1 : Number(g.d ?? 1), hour, Number(g.M ?? 0), Number(g.S ?? 0), Math.floor(Number((g.f ?? '0').padEnd(6, '0')) / 1000));
  let time = base + (g.j ? (Number(g.j) - 1) * DAY_MS : 0);
  const zone = g.z ? /^([+-])(\d{2}):?(\d{2})$/.exec(g.z) : null;
  if (zone) time -= (zone[1] === '-' ? -1 : 1) * (Number(zone[2]) * 60 + Number(zone[3])) * 60_000;
  return new PyDatetime(new Date(time), false, g.z !== undefined && g.z !== '');
}

/** Python's `fromisoformat`: `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][+HH:MM|Z]`. */
function fromisoformat(text: string, dateOnly: boolean): PyDatetime {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(String(text));
  if (!match) throw new Error(`ValueError: Invalid isoformat string: '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', f = '0', zone] = match;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Math.floor(Number(f.padEnd(6, '0')) / 1000));
  const offset = zone && zone !== 'Z' ? /^([+-])(\d{2}):?(\d{2})$/.exec(zone) : null;
  if (offset) time -= (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000;
  const parsed = new PyDatetime(new Date(time), false, zone !== undefined);
  return dateOnly ? parsed.date() : parsed;
}

const datetimeClass = Object.assign(construct(false), {
  now: () => new PyDatetime(new Date(), false, false),
  utcnow: () => new PyDatetime(new Date(), false, false),
  today: () => new PyDatetime(new Date(), false, false),
  strptime: (text: string, format: string) => strptime(String(text), String(format)),
  fromisoformat: (text: string) => fromisoformat(String(text), false),
  fromtimestamp: (seconds: number) => new PyDatetime(new Date(Number(seconds) * 1000), false, false),
});

export const pythonDatetimeModule = {
  datetime: datetimeClass,
  date: Object.assign(construct(true), {
    today: () => new PyDatetime(new Date()).date(),
    fromisoformat: (text: string) => fromisoformat(String(text), true),
  }),
  timedelta: (...args: unknown[]) => {
    const { positional: [days = 0, seconds = 0, microseconds = 0, milliseconds = 0, minutes = 0, hours = 0, weeks = 0], keywords: k } = keywordsOf(args);
    const ms = ((k.weeks ?? weeks) * 7 + (k.days ?? days)) * DAY_MS
      + ((k.hours ?? hours) * 3600 + (k.minutes ?? minutes) * 60 + (k.seconds ?? seconds)) * 1000
      + (k.milliseconds ?? milliseconds) + (k.microseconds ?? microseconds) / 1000;
    return new PyTimedelta(ms);
  },
};

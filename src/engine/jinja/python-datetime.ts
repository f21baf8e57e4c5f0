/**
 * The part of Python's `datetime` module dbt projects use through `modules.datetime` and
 * `run_started_at`: construct, `now()`/`utcnow()`, `strftime`, `isoformat`, `timedelta` arithmetic via
 * `add`/`subtract`, printed the way Python prints them. Times are UTC.
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export class PyTimedelta {
  constructor(readonly milliseconds: number) {}
  total_seconds(): number {
    return this.milliseconds / 1000;
  }
  get days(): number {
    return Math.floor(this.milliseconds / 86_400_000);
  }
}

export class PyDatetime {
  constructor(readonly date: Date, readonly dateOnly = false) {}
  get year() { return this.date.getUTCFullYear(); }
  get month() { return this.date.getUTCMonth() + 1; }
  get day() { return this.date.getUTCDate(); }
  get hour() { return this.date.getUTCHours(); }
  get minute() { return this.date.getUTCMinutes(); }
  get second() { return this.date.getUTCSeconds(); }
  strftime(format: string): string {
    const d = this.date;
    const codes: Record<string, string> = {
      Y: String(d.getUTCFullYear()), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()), f: pad(d.getUTCMilliseconds() * 1000, 6), y: pad(d.getUTCFullYear() % 100),
      j: pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3), '%': '%', z: '+0000', Z: 'UTC',
    };
    return format.replace(/%([A-Za-z%])/g, (whole, code: string) => codes[code] ?? whole);
  }
  isoformat(): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : `${this.strftime('%Y-%m-%dT%H:%M:%S.%f')}+00:00`;
  }
  /** `datetime.date()` */
  toDate(): PyDatetime {
    return new PyDatetime(new Date(Date.UTC(this.year, this.month - 1, this.day)), true);
  }
  add(delta: PyTimedelta): PyDatetime {
    return new PyDatetime(new Date(this.date.getTime() + delta.milliseconds), this.dateOnly);
  }
  subtract(delta: PyTimedelta): PyDatetime {
    return new PyDatetime(new Date(this.date.getTime() - delta.milliseconds), this.dateOnly);
  }
  replace(parts: Record<string, number>): PyDatetime {
    const d = this.date;
    return new PyDatetime(new Date(Date.UTC(parts.year ?? d.getUTCFullYear(), (parts.month ?? d.getUTCMonth() + 1) - 1, parts.day ?? d.getUTCDate(),
      parts.hour ?? d.getUTCHours(), parts.minute ?? d.getUTCMinutes(), parts.second ?? d.getUTCSeconds())), this.dateOnly);
  }
  toString(): string {
    return this.dateOnly ? this.strftime('%Y-%m-%d') : `${this.strftime('%Y-%m-%d %H:%M:%S.%f')}+00:00`;
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
  const { positional: [y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0], keywords } = keywordsOf(args);
  return new PyDatetime(new Date(Date.UTC(keywords.year ?? y, (keywords.month ?? mo) - 1, keywords.day ?? d, h, mi, s)), dateOnly);
};

const datetimeClass = Object.assign(construct(false), {
  now: () => new PyDatetime(new Date()),
  utcnow: () => new PyDatetime(new Date()),
  strptime: (text: string) => new PyDatetime(new Date(`${text.replace(' ', 'T')}${/Z|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'}`)),
});

export const pythonDatetimeModule = {
  datetime: datetimeClass,
  date: Object.assign(construct(true), { today: () => new PyDatetime(new Date()).toDate() }),
  timedelta: (...args: unknown[]) => {
    const { positional: [days = 0, seconds = 0], keywords } = keywordsOf(args);
    const ms = ((keywords.weeks ?? 0) * 7 + (keywords.days ?? days)) * 86_400_000 + ((keywords.hours ?? 0) * 3600 + (keywords.minutes ?? 0) * 60 + (keywords.seconds ?? seconds)) * 1000;
    return new PyTimedelta(ms);
  },
};

/** Base error of the engine: something in the dbt project or a run that a person must fix. */
export class EngineError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** A project file is invalid. The message starts with `file[:line]:`. */
export class ProjectError extends EngineError {
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line ? `:${line}` : ''}: ${detail}`);
    this.name = 'ProjectError';
  }
}

/** `--select`/`--exclude` or another run option is invalid. */
export class SelectionError extends EngineError {
  constructor(message: string) {
    super(message);
    this.name = 'SelectionError';
  }
}

/** The line of the first match of `pattern` in `text` (1-based), for pointing errors at a file line. */
export function lineOf(text: string, pattern: RegExp): number | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  return text.slice(0, match.index).split('\n').length;
}

export { composeRunFailureAlert, composeSubject, stepFunctionsConsoleUrl, MAX_SAMPLE_ROWS, type ComposeOptions } from './compose-run-failure-alert';
export { composeLoaderFailureAlert } from './compose-loader-failure-alert';
export { composeCrashAlert, type RunCrashReport } from './compose-crash-alert';
export { formatTextTable, type TextTableOptions } from './text-table';
export { MAX_BODY_BYTES, MAX_SUBJECT_CHARACTERS } from './email-limits';
export type {
  AlertEmail,
  FailedNode,
  LoaderFailure,
  ModelFailure,
  RunFailureReport,
  RunTrigger,
  SampleCell,
  SkippedNode,
  TestFailure,
} from './run-failure-report';

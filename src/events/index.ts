/** Events in: EventBridge pattern matching, Fivetran webhooks, and the arrival events landfall emits. */
export * from './errors';
export * from './pattern-matcher';
export * from './arrival';
export * from './fivetran';

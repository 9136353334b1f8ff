import type { Logger } from '../../src/protocol/logger.js';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
}

/** A Logger that keeps what it is told, so tests can assert what was logged and why. */
export function recordingLogger(records: LogRecord[] = [], bindings: Record<string, unknown> = {}): Logger & { records: LogRecord[] } {
  const log = (level: LogRecord['level']) => (obj: object, msg?: string) => {
    records.push({ level, msg, fields: { ...bindings, ...(obj as Record<string, unknown>) } });
  };
  return {
    records,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => recordingLogger(records, { ...bindings, ...more }),
  };
}

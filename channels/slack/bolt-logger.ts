import type { LogLevel, Logger } from '@slack/bolt';
import type { SlackLogger } from './slack-hub';

/** Bolt's log lines, through the hub's structured logger and tagged with the channel. */
export function boltLogger(log: SlackLogger): Logger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...messages: unknown[]) =>
      log[level]({ channel: 'slack' }, messages.map((message) => String(message)).join(' '));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    // LogLevel.DEBUG's value, spelled out: a type-only import keeps Bolt unloaded until Slack is on.
    getLevel: () => 'debug' as LogLevel,
    setName: () => undefined,
  };
}

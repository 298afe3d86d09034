// Specs of the scheduled jobs: valid cron expressions in UTC, jobs run directly (never waiting for cron), failures logged not thrown.
import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { LogCapture } from '../../../engine/observe/log-capture.ts';
import { createLogger } from '../../../engine/observe/logger.ts';
import { createSchedules, DAILY_SUMMARY_CRON, DAY_START_CRON, SCHEDULE_TIMEZONE } from '../../../engine/observe/schedules.ts';

const MIDNIGHT = new Date('2024-03-10T00:00:00Z');

describe('createSchedules', () => {
  it('schedules the day-start reset at 00:00 and the summary at 00:01, in UTC whatever the machine zone', async () => {
    const s = createSchedules({ dayStartReset: () => {}, dailySummary: () => {} });
    try {
      expect(SCHEDULE_TIMEZONE).toBe('UTC');
      expect(s.jobs.map((j) => [j.name, j.expression, cron.validate(j.expression)])).toEqual([
        ['day-start-reset', DAY_START_CRON, true],
        ['daily-summary', DAILY_SUMMARY_CRON, true],
      ]);
      const [reset, summary] = s.jobs;
      expect(reset?.task.match(MIDNIGHT)).toBe(true);
      // Midnight in Paris or New York is not midnight UTC.
      expect(reset?.task.match(new Date('2024-03-09T23:00:00Z'))).toBe(false);
      expect(reset?.task.match(new Date('2024-03-10T05:00:00Z'))).toBe(false);
      expect(summary?.task.match(new Date('2024-03-10T00:01:00Z'))).toBe(true);
      expect(summary?.task.match(MIDNIGHT)).toBe(false);
    } finally {
      await s.stop();
    }
  });

  it('runs the day-start reset with the new UTC day, and the summary, when invoked directly', async () => {
    const days: string[] = [];
    let summaries = 0;
    const s = createSchedules({ dayStartReset: (day) => void days.push(day), dailySummary: () => void summaries++ });
    expect(await s.run('day-start-reset', MIDNIGHT)).toBe(true);
    expect(await s.run('daily-summary', new Date('2024-03-10T00:01:00Z'))).toBe(true);
    expect(days).toEqual(['2024-03-10']);
    expect(summaries).toBe(1);
    await s.stop();
  });

  it('logs a failing job and keeps going rather than throwing into the scheduler', async () => {
    const capture = new LogCapture();
    const s = createSchedules(
      { dayStartReset: async () => Promise.reject(new Error('ledger busy')), dailySummary: () => {} },
      { logger: createLogger({ destination: capture, env: {} }) },
    );
    expect(await s.run('day-start-reset', MIDNIGHT)).toBe(false);
    expect(capture.events('schedule.job_failed')).toEqual([expect.objectContaining({ job: 'day-start-reset', err: 'ledger busy', at: '2024-03-10T00:00:00.000Z' })]);
    await s.stop();
  });

  it('starts and stops its cron tasks', async () => {
    const s = createSchedules({ dayStartReset: () => {}, dailySummary: () => {} });
    await s.start();
    expect(s.jobs.map((j) => j.task.getStatus())).toEqual(['idle', 'idle']);
    await s.stop();
    expect(s.jobs.map((j) => j.task.getStatus())).toEqual(['destroyed', 'destroyed']);
  });

  it('refuses an invalid cron expression at creation', () => {
    expect(() => createSchedules({ dayStartReset: () => {}, dailySummary: () => {} }, { dayStartCron: '61 0 * * *' })).toThrow(
      /schedule day-start-reset: "61 0 \* \* \*" is not a valid cron expression/,
    );
  });
});

// Scheduled jobs on node-cron in UTC: the 00:00 day-start reset hook and the daily summary alert; jobs never throw into the scheduler.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from './logger.ts';

export const SCHEDULE_TIMEZONE = 'UTC';
/** 00:00 UTC: the day-start baseline of the daily loss limit rolls over. */
export const DAY_START_CRON = '0 0 * * *';
/** 00:01 UTC: the summary of the day that just ended, after the reset has run. */
export const DAILY_SUMMARY_CRON = '1 0 * * *';

export type JobName = 'day-start-reset' | 'daily-summary';

export interface ScheduleJobs {
  /** The runner's day rollover (re-baseline equity, reset daily counters); told the new UTC day. */
  readonly dayStartReset: (utcDay: string) => void | Promise<void>;
  readonly dailySummary: () => void | Promise<void>;
}

export interface SchedulesOptions {
  readonly logger?: Logger;
  readonly dayStartCron?: string;
  readonly dailySummaryCron?: string;
}

export interface ScheduledJob {
  readonly name: JobName;
  readonly expression: string;
  readonly task: ScheduledTask;
}

export interface Schedules {
  readonly jobs: readonly ScheduledJob[];
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Runs a job now, exactly as the scheduler would (errors logged, never thrown); tests and `engine` commands use it. */
  run(name: JobName, at: Date): Promise<boolean>;
}

function guarded(name: JobName, fn: (at: Date) => void | Promise<void>, logger?: Logger): (at: Date) => Promise<boolean> {
  return async (at) => {
    try {
      await fn(at);
      logger?.info({ event: 'schedule.job_ran', job: name, at: at.toISOString() }, `scheduled job ${name} ran`);
      return true;
    } catch (error) {
      logger?.error({ event: 'schedule.job_failed', job: name, at: at.toISOString(), err: (error as Error).message }, `scheduled job ${name} failed`);
      return false;
    }
  };
}

export function createSchedules(jobs: ScheduleJobs, options: SchedulesOptions = {}): Schedules {
  const bodies: Record<JobName, (at: Date) => Promise<boolean>> = {
    'day-start-reset': guarded('day-start-reset', (at) => jobs.dayStartReset(at.toISOString().slice(0, 10)), options.logger),
    'daily-summary': guarded('daily-summary', () => jobs.dailySummary(), options.logger),
  };
  const expressions: Record<JobName, string> = {
    'day-start-reset': options.dayStartCron ?? DAY_START_CRON,
    'daily-summary': options.dailySummaryCron ?? DAILY_SUMMARY_CRON,
  };
  for (const [name, expression] of Object.entries(expressions)) {
    if (!cron.validate(expression)) throw new RangeError(`schedule ${name}: "${expression}" is not a valid cron expression`);
  }
  const list: ScheduledJob[] = (Object.keys(bodies) as JobName[]).map((name) => ({
    name,
    expression: expressions[name],
    task: cron.createTask(expressions[name], (ctx) => bodies[name](ctx.date), { timezone: SCHEDULE_TIMEZONE, name: `tradegate-${name}`, noOverlap: true }),
  }));
  return {
    jobs: list,
    async start() {
      for (const j of list) await j.task.start();
      options.logger?.info({ event: 'schedule.started', jobs: list.map((j) => `${j.name} ${j.expression} ${SCHEDULE_TIMEZONE}`) }, 'scheduled jobs started');
    },
    async stop() {
      for (const j of list) await j.task.destroy();
    },
    run(name, at) {
      return bodies[name](at);
    },
  };
}

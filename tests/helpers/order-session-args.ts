// What the restart-safety test tells each session child: its folders and the replay slice, on the day of shipped data it trades.

/** The day of shipped data the sessions trade (one day loads in a fraction of the time of all three). */
export const SESSION_DAY = '20180404';

export interface ChildArgs {
  readonly dir: string;
  /** The slice of that day's events the session trades: [first, first + count). */
  readonly first: number;
  readonly count: number;
}

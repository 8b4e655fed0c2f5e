/** Whether a Docker engine answers, as the bot last found it. It never makes the bot unready: the bot can still answer. */
export interface EngineState {
  engine: string;
  /** `unknown` until the first probe has answered or failed. */
  state: 'up' | 'down' | 'unknown';
  /** Since when it is in this state (the same problem). */
  since: Date;
  /** When it was last probed. */
  checkedAt?: Date;
  /** Why it is down, and what the operator does about it. */
  problem?: string;
  fix?: string;
}

/** The engines' states, read without waiting on any engine. */
export interface EngineStates {
  states(): readonly EngineState[];
}

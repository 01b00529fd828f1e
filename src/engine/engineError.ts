/** Why the engine refused an input. Codes are stable; messages say what and where. */
export type EngineErrorCode =
  | 'badNumber'
  | 'emptySnapshot'
  | 'unsortedSnapshot'
  | 'crossedSnapshot'
  | 'badParameter';

/** A typed refusal: thrown only from configuration paths, returned (never thrown) on event paths. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

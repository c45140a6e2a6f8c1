/** The rows of survey-reader.ts, in a module without Node imports: the report page (src/webview) uses them. */

export interface SurveyMeasured {
  requests: number;
  /** Editor insertions of the session still present (accepted_lines) plus lines the agent's edits added. */
  aiLines: number;
  /** First to last event of the session, in minutes. */
  minutes: number;
  costUsd: number;
}

export interface SurveyAnswerRow {
  at: string;
  sessionId: string | null;
  agent: string | null;
  trigger: string | null;
  productivity: number | null;
  fasterWithoutAi: string | null;
  measured: SurveyMeasured | null;
}

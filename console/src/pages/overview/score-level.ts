export type ScoreLevel = 'good' | 'fair' | 'poor';

/** Bands used to colour the security score (Alibaba's console uses the same 80 / 60 cut-offs). */
export function scoreLevel(score: number): ScoreLevel {
  if (score >= 80) return 'good';
  if (score >= 60) return 'fair';
  return 'poor';
}

export const SCORE_COLORS: Record<ScoreLevel, string> = {
  good: '#52c41a',
  fair: '#faad14',
  poor: '#ff4d4f',
};

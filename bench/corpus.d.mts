// Types for bench/corpus.mjs, so tests can share its scoring.
export interface CorpusRow {
  source: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
  expect: 'block' | 'allow';
  note?: string;
}
export interface Verdict {
  decision: string;
  rule: string;
  reason?: string;
}
export interface Miss {
  binding: boolean;
  source: string;
  tool_input: Record<string, unknown>;
  note?: string;
  rule: string;
}
export interface FileScore {
  file: string;
  rows: number;
  block: number;
  allow: number;
  blockAllowed: number;
  excepted: number;
  misses: Miss[];
  bindingMisses: number;
  allowDenied: number;
  allowEscalated: number;
  allowAllowed: number;
  denied: { source: string; tool_input: Record<string, unknown>; rule: string }[];
  notAllowedBy: Record<string, number>;
  binding: boolean;
  guard: boolean;
  frictionPct: number;
  allowAllowedPct: number;
}
export interface Exception {
  source: string;
  tool_input: Record<string, unknown>;
  intent: string;
}
export const CWD: string;
export const HOME: string;
export const TARGETS: { maxFrictionPct: number; minDippyAllowPct: number };
export function corporaDir(): string;
export function readCorpora(dir?: string): { file: string; rows: CorpusRow[] }[];
export function rowKey(source: string, input: unknown): string;
export function readExceptions(file?: string): Map<string, Exception>;
export function scoreFile(file: string, rows: CorpusRow[], verdicts: Verdict[], exceptions: Map<string, Exception>): FileScore;
export function checkTargets(scores: FileScore[]): string[];
export function pooledFriction(scores: FileScore[]): { allow: number; denied: number; pct: number };

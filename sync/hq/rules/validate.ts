import { Ajv, type ErrorObject } from 'ajv';
import { LoyaltyConfigSchema, type LoyaltyRules } from '../../../firmware/src/loyalty/config.js';
import { parseLoyaltyRules, RulesError } from '../../../firmware/src/loyalty/rules/parse.js';
import { crossFieldProblems } from './cross-checks.js';

/**
 * Validation of a draft `loyalty` document at the head office. Three layers, all reported at
 * once so the editor can put each message next to its field:
 *  1. the kiosk's own JSON schema (the typebox `LoyaltyConfigSchema`, through Ajv),
 *  2. cross-field checks with index paths (tier order, windows, reward fields per kind, odds
 *     and budgets), a superset of what the kiosk checks,
 *  3. the kiosk's own `parseLoyaltyRules`, so nothing the kiosk would refuse is ever published.
 */
export interface FieldProblem {
  /** JSON pointer into the document, e.g. `/earning/campaigns/1/multiplierPercent`. */
  path: string;
  message: string;
}

export interface DraftValidation {
  valid: boolean;
  /** The draft with every default filled in: what the kiosk will apply. Absent when invalid. */
  rules?: LoyaltyRules;
  errors: FieldProblem[];
  /** Allowed but probably not meant (a higher tier earning less, say). */
  warnings: FieldProblem[];
}

/** Drafts are small (a few KB); this bounds the work a hostile body can cause. */
export const DRAFT_BYTES_MAX = 256 * 1024;

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
const validateSchema = ajv.compile<LoyaltyRules>(LoyaltyConfigSchema);

export const formatProblem = (problem: FieldProblem): string => `${problem.path}: ${problem.message}`;

function schemaProblems(errors: ErrorObject[]): FieldProblem[] {
  const allowedByPath = new Map<string, unknown[]>();
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const path = error.instancePath || '/';
    if (error.keyword === 'const') {
      const list = allowedByPath.get(path) ?? [];
      list.push((error.params as { allowedValue: unknown }).allowedValue);
      allowedByPath.set(path, list);
      continue;
    }
    if (error.keyword === 'anyOf') continue; // said once below, with the allowed values
    if (error.keyword === 'required') {
      problems.push({ path: joinPath(path, (error.params as { missingProperty: string }).missingProperty), message: 'is required' });
    } else if (error.keyword === 'additionalProperties') {
      problems.push({ path: joinPath(path, (error.params as { additionalProperty: string }).additionalProperty), message: 'is not a known field' });
    } else {
      problems.push({ path, message: error.message ?? 'is invalid' });
    }
  }
  for (const [path, allowed] of allowedByPath) problems.push({ path, message: `must be one of: ${allowed.map(String).join(', ')}` });
  return dedupe(problems);
}

function joinPath(base: string, key: string): string {
  return `${base === '/' ? '' : base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = formatProblem(problem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `"/rewards/gift-mug: a percent discount needs percent"` → path and message. */
function kioskProblem(line: string): FieldProblem {
  const at = line.indexOf(': ');
  return at > 0 ? { path: line.slice(0, at), message: line.slice(at + 2) } : { path: '/', message: line };
}

export function validateLoyaltyDraft(input: unknown): DraftValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { valid: false, errors: [{ path: '/', message: 'must be an object (the loyalty section)' }], warnings: [] };
  }
  if (JSON.stringify(input).length > DRAFT_BYTES_MAX) {
    return { valid: false, errors: [{ path: '/', message: `is larger than ${DRAFT_BYTES_MAX} bytes` }], warnings: [] };
  }
  const copy: unknown = structuredClone(input);
  if (!validateSchema(copy)) return { valid: false, errors: schemaProblems(validateSchema.errors ?? []), warnings: [] };
  const rules = copy;
  const { errors, warnings } = crossFieldProblems(rules);
  if (errors.length > 0) return { valid: false, errors, warnings };
  try {
    parseLoyaltyRules(rules);
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    return { valid: false, errors: error.problems.map(kioskProblem), warnings };
  }
  return { valid: true, rules, errors: [], warnings };
}

import { describe, expect, it } from 'vitest';
import { BUILT_IN_SURVEY_QUESTIONS } from '../config.js';
import { parseLoyaltyRules, RulesError } from './parse.js';

const questions = () => structuredClone(BUILT_IN_SURVEY_QUESTIONS);

/** The problems a `survey` section gets, or [] when it is accepted. */
function problemsOf(survey: unknown): string[] {
  try {
    parseLoyaltyRules({ survey });
    return [];
  } catch (error) {
    if (error instanceof RulesError) return error.problems;
    throw error;
  }
}

describe('survey questions in the loyalty section', () => {
  it('are absent by default (the kiosk words them itself) and kept as given when set', () => {
    expect(parseLoyaltyRules({}).survey).toEqual({ periodDays: 90, points: 20 });
    const worded = questions();
    worded.nps.en = 'Would you tell a friend about us?';
    expect(parseLoyaltyRules({ survey: { questions: worded } }).survey.questions).toEqual(worded);
  });

  it('refuses an empty, blank, too long, missing or unknown question with its path', () => {
    const empty = questions();
    empty.csat.fa = '';
    expect(problemsOf({ questions: empty })).toEqual(['/survey/questions/csat/fa: must match pattern "\\S"']);
    const blank = questions();
    blank.nps.en = '   ';
    expect(problemsOf({ questions: blank })).toEqual(['/survey/questions/nps/en: must match pattern "\\S"']);
    const long = questions();
    long.nps.en = 'x'.repeat(161);
    expect(problemsOf({ questions: long })).toEqual(['/survey/questions/nps/en: must NOT have more than 160 characters']);
    long.nps.en = 'x'.repeat(160);
    expect(problemsOf({ questions: long })).toEqual([]);
    const { nps: _nps, ...withoutNps } = questions();
    expect(problemsOf({ questions: withoutNps })).toEqual(["/survey/questions: must have required property 'nps'"]);
    expect(problemsOf({ questions: { ...questions(), csat: { ...questions().csat, ar: 'x' } } })).toEqual(['/survey/questions/csat: must NOT have additional properties']);
    expect(problemsOf({ questions: { ...questions(), mood: { fa: 'x', en: 'x' } } })).toEqual(['/survey/questions: must NOT have additional properties']);
  });
});

import { catalogKeys, isPluralForms, translate } from '../../src/shared/i18n';
import en from '../../src/shared/locales/en.json';
import vi from '../../src/shared/locales/vi.json';

const catalogOf = (locale: 'vi' | 'en'): unknown => (locale === 'vi' ? vi : en);

describe('locale files', () => {
  it('should hold the same keys in Vietnamese and English', () => {
    expect(catalogKeys('en')).toEqual(catalogKeys('vi'));
  });

  it('when a key exists, should translate it in each language', () => {
    expect(translate('vi', 'home.signIn')).toBe('Đăng nhập');
    expect(translate('en', 'home.signIn')).toBe('Sign in');
  });

  it('when a key is missing, should show the key rather than break the page', () => {
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });

  it('when parameters are given, should fill only the named placeholders', () => {
    expect(translate('en', 'errors.notFound', { x: 1 })).not.toContain('{');
  });
});

describe('messages that change with a count', () => {
  it('when one question is counted in English, should say "1 question", and "2 questions" for two', () => {
    expect(translate('en', 'quiz.rules.questions', { n: 1 })).toBe('1 question, drawn at random from the question bank.');
    expect(translate('en', 'quiz.rules.questions', { n: 2 })).toBe('2 questions, drawn at random from the question bank.');
    expect(translate('en', 'quiz.rules.questions', { n: 0 })).toBe('0 questions, drawn at random from the question bank.');
    expect(translate('en', 'quiz.unanswered', { count: 1 })).toMatch(/^1 question is not answered\./);
    expect(translate('en', 'quiz.unanswered', { count: 3 })).toMatch(/^3 questions are not answered\./);
  });

  it('when the count comes as formatNumber wrote it, should still choose the right form', () => {
    expect(translate('en', 'home.peopleCount', { n: '1' })).toBe('1 person');
    expect(translate('en', 'home.peopleCount', { n: '1,001' })).toBe('1,001 people');
    expect(translate('en', 'home.peopleCount', { n: '1.5' })).toBe('1.5 people');
    expect(translate('en', 'home.peopleCount')).toBe('{n} people');
  });

  it('when days are counted, should say "1 day left" and "2 days overdue"', () => {
    expect(translate('en', 'dates.daysLeft', { n: 1 })).toBe('1 day left');
    expect(translate('en', 'dates.daysOverdue', { n: 2 })).toBe('2 days overdue');
  });

  it('when the language is Vietnamese, should keep its one form for any count', () => {
    expect(translate('vi', 'quiz.rules.questions', { n: 1 })).toBe('1 câu hỏi, chọn ngẫu nhiên từ ngân hàng câu hỏi.');
    expect(translate('vi', 'quiz.rules.questions', { n: 2 })).toBe('2 câu hỏi, chọn ngẫu nhiên từ ngân hàng câu hỏi.');
  });

  it('when a message has plural forms, should have "other", only the categories of Intl.PluralRules and the placeholders of the Vietnamese', () => {
    const categories = new Set<string>(['zero', 'one', 'two', 'few', 'many', 'other']);
    const placeholders = (s: string) => [...new Set(s.match(/\{\w+\}/g) ?? [])].sort();
    let plurals = 0;
    for (const locale of ['vi', 'en'] as const) {
      for (const key of catalogKeys(locale)) {
        const node = key.split('.').reduce<unknown>((n, part) => (n as Record<string, unknown>)[part], catalogOf(locale));
        if (typeof node === 'string') continue;
        plurals += 1;
        expect(isPluralForms(node)).toBe(true);
        const forms = node as Record<string, string>;
        expect(Object.keys(forms).every((c) => categories.has(c))).toBe(true);
        const vi = translate('vi', key);
        // "other" holds every placeholder of the Vietnamese message; "one" may spell out its 1
        expect(placeholders(forms.other!)).toEqual(placeholders(vi));
      }
    }
    expect(plurals).toBeGreaterThan(0);
  });

  it('when an English message counts something, should not hedge with "(s)"', () => {
    const hedged = catalogKeys('en').filter((key) => /\(s\)/.test(JSON.stringify(key.split('.').reduce<unknown>((n, part) => (n as Record<string, unknown>)[part], catalogOf('en')))));
    expect(hedged).toEqual([]);
  });
});

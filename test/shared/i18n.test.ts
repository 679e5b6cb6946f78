import { catalogKeys, translate } from '../../src/shared/i18n';

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

import { generateOneTimePassword, hashPassword, passwordProblem, verifyPassword } from '../../src/accounts/password';

describe('password rules', () => {
  it.each([
    ['short1', 'password.tooShort'],
    ['x'.repeat(129), 'password.tooLong'],
    ['password', 'password.common'],
    ['Password123', 'password.common'],
    ['12345678', 'password.common'],
    ['matkhau123', 'password.common'],
    ['aaaaaaaaaa', 'password.common'],
    ['my-name-is-hoa.nguyen', 'password.containsUsername'],
  ])('when the password is %s, should refuse it (%s)', (password, key) => {
    expect(passwordProblem(password, 'hoa.nguyen')).toBe(key);
  });

  it.each(['Hoa sen nở giữa hồ', 'Một cụm từ rất dài để làm mật khẩu, dài hơn sáu mươi tư ký tự cho chắc chắn', 'correct horse battery staple 7', '🌸🌸🌸🌸🌸🌸🌸🌸'])('when the password is %s, should accept it', (password) => {
    expect(passwordProblem(password, 'someone')).toBeNull();
  });

  it('should hash with argon2id and verify only the right password', async () => {
    const h = await hashPassword('Đúng mật khẩu 1');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'Đúng mật khẩu 1')).toBe(true);
    expect(await verifyPassword(h, 'Sai mật khẩu 1')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });

  it('should make one-time passwords that differ and pass the rules', () => {
    const a = generateOneTimePassword();
    expect(a).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(generateOneTimePassword()).not.toBe(a);
    expect(passwordProblem(a)).toBeNull();
  });
});

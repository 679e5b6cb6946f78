import { checkSerial, generateSerial } from '../../src/certificates';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

describe('certificate serials', () => {
  it('should be 16 random characters and a check character, grouped by four, without ambiguous letters', () => {
    const s = generateSerial();
    expect(s).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}-[0-9A-HJKMNP-TV-Z]$/);
    expect(checkSerial(s)).toEqual({ ok: true, serial: s });
    expect(new Set(Array.from({ length: 200 }, generateSerial)).size).toBe(200);
  });

  it('should accept what a person types: lower case, spaces, O for 0 and I or L for 1', () => {
    const s = generateSerial();
    const typed = s.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o').replace(/1/g, 'l');
    expect(checkSerial(typed)).toEqual({ ok: true, serial: s });
  });

  it('should catch every single mistyped character', () => {
    const s = generateSerial().replace(/-/g, '');
    for (let i = 0; i < s.length; i++) {
      for (const c of ALPHABET) {
        if (c === s[i]) continue;
        const wrong = s.slice(0, i) + c + s.slice(i + 1);
        expect(checkSerial(wrong)).toEqual({ ok: false, reason: 'mistyped' });
      }
    }
  });

  it('should catch a swap of two neighbouring characters', () => {
    let caught = 0;
    let swaps = 0;
    for (let n = 0; n < 50; n++) {
      const s = generateSerial().replace(/-/g, '');
      for (let i = 0; i < s.length - 1; i++) {
        if (s[i] === s[i + 1]) continue;
        swaps += 1;
        const swapped = s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
        if (!checkSerial(swapped).ok) caught += 1;
      }
    }
    // Luhn mod N misses only swaps of two specific code points; nearly all are caught.
    expect(caught / swaps).toBeGreaterThan(0.95);
  });

  it('should call anything else malformed', () => {
    expect(checkSerial('hello')).toEqual({ ok: false, reason: 'malformed' });
    expect(checkSerial('ABCD-EFGH-JKMN-PQRS-TU')).toEqual({ ok: false, reason: 'malformed' });
    expect(checkSerial('<script>')).toEqual({ ok: false, reason: 'malformed' });
  });
});

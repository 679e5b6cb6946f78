import { personMatches } from '../../src/accounts';
import { phoneDigits } from '../../src/shared/phone';
import { foldHeading, readRoster, ROSTER_COLUMNS } from '../../src/cohorts/roster-file';

describe('roster headings as officials write them', () => {
  it.each([
    ['Họ và tên', 'fullName'],
    ['  HỌ VÀ TÊN  ', 'fullName'],
    ['ho va ten', 'fullName'],
    ['Họ tên', 'fullName'],
    ['full_name', 'fullName'],
    ['Tên đăng nhập', 'username'],
    ['TEN_DANG_NHAP', 'username'],
    ['Mã đơn vị', 'unitCode'],
    ['Số điện thoại', 'phone'],
    ['SĐT', 'phone'],
    ['sdt', 'phone'],
    ['Vai trò', 'role'],
    ['Người tập huấn', 'trainerUsername'],
  ])('"%s" should be read as %s', async (heading, field) => {
    const others = ROSTER_COLUMNS.filter((c) => c.field !== field);
    const csv = `${[heading, ...others.map((c) => c.code)].join(',')}\nX,${others.map(() => 'y').join(',')}\n`;
    const [row] = await readRoster(Buffer.from(csv), 'r.csv');
    expect(row![field as 'fullName']).toBe(field === 'username' || field === 'trainerUsername' || field === 'role' ? 'x' : 'X');
  });

  it('headings that are object keys or unknown should be ignored, not taken', () => {
    expect(foldHeading('__proto__')).toBe('proto');
    expect(ROSTER_COLUMNS.every((c) => c.names.every((n) => foldHeading(n).length > 1))).toBe(true);
  });
});

describe('finding a person by phone', () => {
  it.each([
    ['0912 345 678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['84912345678', '0912345678'],
    ['0912.345', '0912345'],
    ['09', null],
    ['nguyen', null],
  ])('"%s" should search the digits %s', (typed, digits) => {
    expect(phoneDigits(typed)).toBe(digits);
  });

  it('should match by name without diacritics, username or phone, and not otherwise', () => {
    const person = { searchText: 'nguyen thi hong hong.01', phone: '0912345678' };
    expect(personMatches(person, 'Nguyễn Thị')).toBe(true);
    expect(personMatches(person, 'hong.01')).toBe(true);
    expect(personMatches(person, '+84 912 345')).toBe(true);
    expect(personMatches(person, '0987')).toBe(false);
    expect(personMatches({ ...person, phone: null }, '0912')).toBe(false);
  });
});

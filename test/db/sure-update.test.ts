/**
 * An update lost to a concurrent whole-document write (what the embedded store does with two
 * updates of one document at once) is made again; one that holds is left alone.
 */
import type { UserDoc } from '../../src/accounts';
import { onCourseCompleted, settleUnsettledCompletions } from '../../src/courses';
import { sureUpdates, sureUpdatesDone, updateSurely } from '../../src/db';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { peopleModelForStoreTests as User } from '../helpers/people';
import { writeCompletionRecord } from '../helpers/progress';

useTestDatabase(__filename);
const saved = sureUpdates.RECHECK_MS;

beforeAll(async () => {
  await createTree();
  sureUpdates.RECHECK_MS = 1000; // long enough for the "concurrent" writes below to come first, even on a busy machine
});
afterAll(() => {
  sureUpdates.RECHECK_MS = saved;
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
}

it('when a concurrent write of the whole document lost the update, should make it again', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  const stale = (await User.findById(user._id).lean())!;
  await updateSurely(User, user._id, 'disabled', { $set: { disabled: true } }, (u: UserDoc) => u.disabled === true);
  await User.replaceOne({ _id: user._id }, { ...stale, lastLoginAt: new Date() }); // a sign-in that read the person before
  expect((await User.findById(user._id).lean())!.disabled).toBe(false);
  await until(async () => (await User.findById(user._id).lean())!.disabled === true);
  await sureUpdatesDone();
  expect((await User.findById(user._id).lean())!).toMatchObject({ disabled: true, lastLoginAt: expect.any(Date) });
});

it('a completion\'s copy on the person, lost to a sign-in written at the same moment, should come back', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  const stale = (await User.findById(user._id).lean())!;
  // a sign-in that read the person before writes it back right after the copy was made
  let signIn: Promise<unknown> | null = null;
  onCourseCompleted(async (c) => {
    if (String(c.user) === String(user._id)) signIn ??= User.replaceOne({ _id: user._id }, { ...stale, lastLoginAt: new Date() });
    await signIn;
  });
  await writeCompletionRecord(user._id, 'digital-literacy', { contentVersion: 'v', settled: false });
  expect(await settleUnsettledCompletions()).toBe(1);
  expect(signIn).not.toBeNull();
  await until(async () => ((await User.findById(user._id).lean())!.completed ?? []).includes('digital-literacy'));
  expect((await User.findById(user._id).lean())!.completed).toEqual(['digital-literacy']);
});

it('when a later update of the same thing came meanwhile, should not bring the earlier one back', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  await updateSurely(User, user._id, 'disabled', { $set: { disabled: true } }, (u: UserDoc) => u.disabled === true);
  await updateSurely(User, user._id, 'disabled', { $set: { disabled: false } }, (u: UserDoc) => u.disabled === false);
  await sureUpdatesDone();
  expect((await User.findById(user._id).lean())!.disabled).toBe(false);
});

it('when the update holds, should write nothing more', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  const spy = jest.spyOn(User, 'updateOne');
  try {
    await updateSurely(User, user._id, 'locale', { $set: { locale: 'en' } }, (u: UserDoc) => u.locale === 'en');
    await new Promise((r) => setTimeout(r, 1200)); // past the check
    await sureUpdatesDone();
    expect(spy).toHaveBeenCalledTimes(1);
  } finally {
    spy.mockRestore();
  }
});

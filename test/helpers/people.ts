/**
 * People (accounts' records) as tests outside test/accounts/ read them, and the few states a
 * test sets on a person that the app makes only slowly (a retraining cascade, a broken copy).
 */
import type { Types } from 'mongoose';
import mongoose from 'mongoose';
import { User, type UserDoc } from '../../src/accounts/user.model';

type Id = Types.ObjectId | string;

/** The person as stored now (maps as plain objects), or null. */
export async function userById(id: Id) {
  return User.findById(id).lean();
}

/** The person with this username as stored now (maps as plain objects), or null. */
export async function userNamed(username: string) {
  return User.findOne({ username }).lean();
}

/** Whether an account with this username exists. */
export async function userExists(username: string): Promise<boolean> {
  return (await User.exists({ username })) !== null;
}

/** How many of these usernames have an account. */
export async function countAccounts(usernames: string[]): Promise<number> {
  return User.countDocuments({ username: mongoose.trusted({ $in: usernames }) });
}

/** Sets fields of a person directly, for a state the app would take long to make (or a broken copy to repair). */
export async function setUserFields(id: Id, fields: Partial<Omit<UserDoc, '_id'>>): Promise<void> {
  await User.updateOne({ _id: id }, { $set: fields });
}

/** Takes a course off the person's started list (its lessons read are another feature's records). */
export async function forgetCourseStarted(id: Id, course: string): Promise<void> {
  await User.updateOne({ _id: id }, { $pull: { started: course } });
}

/** Deletes these people outright (a test putting things back for the next). */
export async function deleteUsers(ids: Id[]): Promise<void> {
  await User.deleteMany({ _id: mongoose.trusted({ $in: ids }) });
}

/**
 * The people model itself, for the tests of the store layer (test/db) that need a real model
 * and collection to write through and to spy on; tests of features use the functions above.
 */
export const peopleModelForStoreTests = User;

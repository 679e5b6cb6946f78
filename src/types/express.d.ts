import type { Types } from 'mongoose';
import type { Locale } from '../config';
import type { Role } from '../shared/actor';

declare global {
  namespace Express {
    interface Request {
      /** The language this request is answered in. */
      locale: Locale;
    }
    /** The signed-in person as passport gives it (read from the database on every request). */
    interface User {
      _id: Types.ObjectId;
      username: string;
      fullName: string;
      role: Role;
      unit: Types.ObjectId;
      lineage: Types.ObjectId[];
      mustChangePassword: boolean;
      locale?: 'vi' | 'en' | null;
    }
  }
}

export {};

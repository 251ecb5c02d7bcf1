import { Db, ObjectId } from 'mongodb';

export interface SeedUser {
  _id: ObjectId;
  name: string;
  email: string;
  role: 'ADMIN' | 'USER';
  status: 'active' | 'blocked';
  isDeleted: boolean;
  partnerId: ObjectId | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Inserts a user document shaped like the main backend's (mongoose defaults included). */
export async function seedUser(db: Db, overrides: Partial<SeedUser> = {}): Promise<SeedUser> {
  const now = new Date();
  const user: SeedUser = {
    _id: new ObjectId(),
    name: 'Test User',
    email: `user-${Math.random().toString(36).slice(2)}@example.com`,
    role: 'USER',
    status: 'active',
    isDeleted: false,
    partnerId: null,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
  await db.collection('users').insertOne(user);
  return user;
}

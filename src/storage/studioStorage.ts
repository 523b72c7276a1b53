import type { IDBPDatabase } from 'idb';
import { DatasetRepo } from './datasetRepo.ts';
import { openStudioDb, STUDIO_DB_NAME, type StudioDbHooks, type StudioSchema } from './openStudioDb.ts';
import { RunRepo } from './runRepo.ts';
import { WeightRepo } from './weightRepo.ts';

/** Everything the page and the engine worker read and write, behind one database connection. */
export interface StudioStorage {
  db: IDBPDatabase<StudioSchema>;
  datasets: DatasetRepo;
  runs: RunRepo;
  weights: WeightRepo;
}

export async function openStudioStorage(name: string = STUDIO_DB_NAME, hooks?: StudioDbHooks): Promise<StudioStorage> {
  const db = await openStudioDb(name, hooks);
  return { db, datasets: new DatasetRepo(db), runs: new RunRepo(db), weights: new WeightRepo(db) };
}

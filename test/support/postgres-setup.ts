/**
 * Vitest global setup of the `server-postgres` project: one throwaway PostgreSQL cluster for
 * the whole run, its URL given to the tests as `inject('postgresUrl')`, removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export default async function postgresSetup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}

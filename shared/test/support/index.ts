export { cloudSqlSocket } from './cloud-sql-socket.ts';
export { eventually } from './eventually.ts';
export { type CreatedTask, type FakeGoogle, startFakeGoogle } from './fake-google.ts';
export { freePort } from './free-port.ts';
export { Client, type Reply } from './http-client.ts';
export { type MailServer, startMailServer } from './mail-server.ts';
export {
  adminQuery,
  createEmptyDatabase,
  createTestDatabase,
  setTenantTier,
  type TestDatabase,
} from './test-database.ts';
export {
  doomedJob,
  flakyJob,
  noteJob,
  refusedJob,
  testJobs,
  unreadableJob,
} from './test-jobs.ts';
export { startTestServer, type TestServer } from './test-server.ts';

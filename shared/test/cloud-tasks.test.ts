import { CloudTasksClient } from '@google-cloud/tasks';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CloudTasksClientLike,
  CloudTasksDispatcher,
  googleClientOptions,
  JobRegistry,
  taskId,
} from '../src/index.ts';
import { type FakeGoogle, noteJob, startFakeGoogle } from './support/index.ts';

// No Cloud Tasks emulator exists: the stand-in is an in-process gRPC server for the real
// service definition, driven by the real client, connected as production code connects it.
let google: FakeGoogle;
let client: CloudTasksClient;
let failNext: grpc.status | undefined;
const created = () => google.tasks;

beforeAll(async () => {
  google = await startFakeGoogle();
  google.queues.add('projects/test-project/locations/europe-west1/queues/test');
  client = new CloudTasksClient({
    ...(await googleClientOptions(google.grpcHost)),
    projectId: 'test-project',
  });
  // A failure injected before the stand-in sees the call.
  const create = client.createTask.bind(client);
  client.createTask = ((request: never) => {
    if (failNext === undefined) return create(request);
    const code = failNext;
    failNext = undefined;
    return Promise.reject(Object.assign(new Error('injected failure'), { code }));
  }) as never;
});
afterAll(async () => {
  await client.close();
  await google.close();
});

const settings = {
  project: 'test-project',
  location: 'europe-west1',
  workerUrl: 'https://worker-abc.a.run.app/',
  serviceAccountEmail: 'tasks@test-project.iam.gserviceaccount.com',
  audience: 'https://worker-abc.a.run.app',
  dispatchDeadlineSeconds: 900,
};
const job = {
  tenantId: '11111111-1111-4111-8111-111111111111',
  id: '22222222-2222-4222-8222-222222222222',
  kind: 'test.note',
};

describe('Cloud Tasks driver', () => {
  it('creates one HTTP task per job: worker URL, OIDC token, the job family’s queue, a hashed name', async () => {
    const dispatcher = new CloudTasksDispatcher(
      client as unknown as CloudTasksClientLike,
      settings,
      new JobRegistry([noteJob]),
    );
    await dispatcher.dispatch(job);
    expect(created()).toHaveLength(1);
    const [request] = created();
    expect(request?.parent).toBe('projects/test-project/locations/europe-west1/queues/test');
    expect(request?.task.name).toBe(`${request?.parent}/tasks/${taskId(job)}`);
    expect(taskId(job)).toMatch(/^[\da-f]{40}$/);
    expect(taskId(job)).not.toContain(job.id.replaceAll('-', '').slice(0, 8));
    expect(request?.task.httpRequest).toMatchObject({
      url: 'https://worker-abc.a.run.app/tasks/test.note',
      httpMethod: 'POST',
      oidcToken: { serviceAccountEmail: settings.serviceAccountEmail, audience: settings.audience },
    });
    expect(JSON.parse(Buffer.from(request?.task.httpRequest.body ?? []).toString())).toEqual({
      tenantId: job.tenantId,
      jobId: job.id,
    });
    // Cloud Tasks waits as long as the worker may run (its default, 10 min, is shorter than
    // the worker's 15: a long job would be delivered again while still running).
    expect(request?.task.dispatchDeadline.seconds).toBe('900');
  });

  it('dispatching the same job again (a retry, the sweep) makes no second task', async () => {
    const dispatcher = new CloudTasksDispatcher(
      client as unknown as CloudTasksClientLike,
      settings,
      new JobRegistry([noteJob]),
    );
    const before = created().length;
    await dispatcher.dispatch(job);
    await dispatcher.dispatch(job);
    expect(created().length).toBe(before);
  });

  it("a hand retry (a new generation) is a new task, not the finished one's blocked name", async () => {
    const dispatcher = new CloudTasksDispatcher(
      client as unknown as CloudTasksClientLike,
      settings,
      new JobRegistry([noteJob]),
    );
    const before = created().length;
    await dispatcher.dispatch({ ...job, generation: 1 });
    await dispatcher.dispatch({ ...job, generation: 1 }); // the sweep, again: no second task
    expect(created().length).toBe(before + 1);
    expect(taskId({ ...job, generation: 1 })).not.toBe(taskId(job));
    // Generation 0 names its task as before generations existed.
    expect(taskId({ ...job, generation: 0 })).toBe(taskId(job));
  });

  it('other failures surface, so the job stays pending for the sweep', async () => {
    const dispatcher = new CloudTasksDispatcher(
      client as unknown as CloudTasksClientLike,
      settings,
      new JobRegistry([noteJob]),
    );
    failNext = grpc.status.UNAVAILABLE;
    await expect(
      dispatcher.dispatch({ ...job, id: '33333333-3333-4333-8333-333333333333' }),
    ).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
    });
  });
});

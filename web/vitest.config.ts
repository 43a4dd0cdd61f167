import { packageTestConfig } from '@devctx/shared/testing/vitest-config';

// A browser test walks through several views, each one a few round trips: under a loaded
// CI machine the longest take 20 s, so they get more room than the API tests.
export default packageTestConfig({ testTimeout: 60_000 });

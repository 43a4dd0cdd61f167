import { packageTestConfig } from '@devctx/shared/testing/vitest-config';

export default packageTestConfig();

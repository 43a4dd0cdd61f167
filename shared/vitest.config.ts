import { packageTestConfig } from './test/support/vitest-config.ts';

export default packageTestConfig();

import type { AnyRoute } from '@devctx/shared';
import { briefRoutes } from './brief/routes.ts';
import { conversationRoutes } from './conversations/routes.ts';
import { importRoutes } from './imports/routes.ts';
import { insightsRoutes } from './insights/routes.ts';
import { messageRoutes } from './messages/routes.ts';
import { searchRoutes } from './search/routes.ts';
import { sessionRoutes } from './sessions/routes.ts';

/** The development-context family's route table (sessions, conversations, messages, search, insights). */
export const contextRoutes: AnyRoute[] = [
  ...sessionRoutes,
  ...conversationRoutes,
  ...messageRoutes,
  ...searchRoutes,
  ...importRoutes,
  ...insightsRoutes,
  ...briefRoutes,
];

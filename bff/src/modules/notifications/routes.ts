import type { Context } from 'koa';
import { apiPaths, NotificationPreferencesSchema, NotificationPreferencesUpdateSchema } from '@onevisit/shared-types';
import { defineRoute, type AnyRouteDef } from '../../http/route';
import type { NotificationService } from './service';

const me = (ctx: Context) => ctx.state.citizen!.userId;

/**
 * The citizen's notification choices. PUT sets only the channels it names (so it is idempotent
 * and two clients changing different channels do not undo each other); an unknown key is refused
 * rather than ignored, so a misspelt channel never looks saved.
 */
export function notificationRoutes(notifications: NotificationService): AnyRouteDef[] {
  const tags = ['notifications'];
  return [
    defineRoute({
      method: 'get',
      path: apiPaths.meNotifications,
      summary: 'Which channels (WeChat, Alipay, SMS) tell the citizen about their cases; all on until changed',
      tags,
      security: 'citizen',
      response: NotificationPreferencesSchema,
      errors: ['SESSION_INVALID'],
      handler: (_input, ctx) => notifications.getPreferences(me(ctx)),
    }),
    defineRoute({
      method: 'put',
      path: apiPaths.meNotifications,
      summary: 'Turn channels on or off; channels not named keep their setting',
      tags,
      security: 'citizen',
      body: NotificationPreferencesUpdateSchema.strict(),
      response: NotificationPreferencesSchema,
      errors: ['SESSION_INVALID'],
      handler: ({ body }, ctx) => notifications.updatePreferences(me(ctx), body),
    }),
  ];
}

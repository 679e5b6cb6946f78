export { NOTIFICATION_KINDS, EMAIL_STATES, type EmailState, type NotificationKind } from './notification.model';
export { notify, notifyMany, type NotificationInput, type NotifyOptions } from './notify';
export { EMAIL_BY_DEFAULT, emailChoices, setEmailWanted, subscribersOf, wantsEmail } from './preferences';
export { localeOf, renderText, type Renderable, type RenderedText } from './render';
export { unsubscribeToken } from './token';
export { inboxPage, markAllRead, openNotification, unreadCount, type InboxItem } from './inbox.service';
export { notificationsFeature } from './feature';

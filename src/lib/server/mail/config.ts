import { env } from '#lib/server/env.ts';

/** The public address links in emails start with; server.js sets ORIGIN when it is not given. */
export const publicOrigin = () => env.ORIGIN || `http://localhost:${env.PORT || 3000}`;

/** Without a mail server (the embedded default), messages are kept in the outbox for admins to read. */
export const smtpConfigured = () => !!env.SMTP_URL;

export const mailFrom = () => env.MAIL_FROM || 'Opsmaturity <opsmaturity@localhost>';

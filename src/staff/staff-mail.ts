/**
 * Emails to staff: the invitation and the password-reset link, in the
 * person's language (`en`, `zh-CN`), sent through the same provider as
 * customer messages (src/notifications/providers.ts). With the `local`
 * provider nothing leaves: the message is kept in `staff_emails` (sealed),
 * where a developer or a test reads the link. With a real provider nothing
 * is kept: the link exists only in the email.
 */
import { directory } from "../db/client";
import { staffEmails } from "../db/schema";
import type { ShardEnv } from "../env";
import { newId } from "../lib/ids";
import { providerFor } from "../notifications/providers";
import type { TokenPurpose } from "./user-tokens";

export const STAFF_LOCALES = ["en", "zh-CN"] as const;
export type StaffLocale = (typeof STAFF_LOCALES)[number];

const base = (env: ShardEnv) => (env.PUBLIC_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");

/** The console page that takes the token: in the fragment, so it never reaches a server log or a Referer. */
export function linkFor(env: ShardEnv, purpose: TokenPurpose, token: string): string {
  return `${base(env)}/console/${purpose === "invitation" ? "invitation" : "password-reset"}#token=${token}`;
}

type Text = { subject: string; text: string };

/** The message text: pure, so the wording is tested without sending. */
export function staffMessage(o: { purpose: TokenPurpose; locale: string; name: string; link: string }): Text {
  const zh = o.locale === "zh-CN";
  if (o.purpose === "invitation") {
    return zh
      ? {
          subject: "您受邀加入订单处理控制台",
          text: `${o.name}，您好：\n\n您已受邀加入订单处理控制台。请在 7 天内打开以下链接设置密码：\n\n${o.link}\n\n如果您并未预期此邀请，请忽略本邮件。`,
        }
      : {
          subject: "You are invited to the order console",
          text: `Hello ${o.name},\n\nYou have been invited to the order console. Open this link within 7 days to set your password:\n\n${o.link}\n\nIf you did not expect this invitation, ignore this email.`,
        };
  }
  return zh
    ? { subject: "重置您的密码", text: `${o.name}，您好：\n\n请在 1 小时内打开以下链接设置新密码：\n\n${o.link}\n\n如果您没有申请重置密码，请忽略本邮件，您的密码不会改变。` }
    : {
        subject: "Reset your password",
        text: `Hello ${o.name},\n\nOpen this link within 1 hour to choose a new password:\n\n${o.link}\n\nIf you did not ask for this, ignore this email: your password stays as it is.`,
      };
}

/** Sends (or, locally, keeps) the email carrying this token. */
export async function sendStaffEmail(env: ShardEnv, o: { userId: string; email: string; name: string; locale: string; purpose: TokenPurpose; token: string }): Promise<void> {
  const msg = staffMessage({ purpose: o.purpose, locale: o.locale, name: o.name, link: linkFor(env, o.purpose, o.token) });
  const provider = providerFor(env);
  const now = Date.now();
  const id = newId("eml", now);
  if (provider.name === "local") {
    await directory(env).insert(staffEmails).values({ id, userId: o.userId, purpose: o.purpose, recipient: o.email, subject: msg.subject, body: msg.text, createdAt: now });
    return;
  }
  const sent = await provider.send({ id, to: o.email, subject: msg.subject, text: msg.text });
  if (!sent.ok) throw new Error(sent.error);
}

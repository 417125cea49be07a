/**
 * The API's refusals in the reader's language. The API speaks English
 * problem+json with a stable `code`; the console shows its own words for the
 * codes people meet, and the API's detail (which names the field and the
 * reason) for the rest, so nothing is lost in translation.
 */
import type { Problem } from "./api";
import { dictionary, type Lang } from "./i18n";

const CODES = dictionary(
  {
    validation_failed: "Some fields need another look.",
    forbidden: "Your position may not do this.",
    not_found: "It no longer exists, or it is not in your stores.",
    conflict: "It changed meanwhile: reload and try again.",
    illegal_transition: "The order's state does not allow this now.",
    version_mismatch: "It changed meanwhile: reload and try again.",
    current_password_wrong: "The current password is not right.",
    invalid_code: "That code is not right.",
    invalid_token: "This link is not valid any more: ask for a new one.",
    already_resolved: "Someone already dealt with it.",
    sign_in_failed: "The email or password is not right.",
    sign_in_locked: "Too many failed sign-ins: wait a few minutes or reset your password.",
    rate_limited: "Too many attempts from this address: wait a moment.",
    two_factor_failed: "That code is not right.",
    session_expired: "Your session has ended. Sign in again.",
    csrf_failed: "This form was out of date: try again.",
    internal_error: "Something failed on our side: try again.",
    insufficient_stock: "Not enough stock.",
    not_arrived: "The transfer is still on its way to this warehouse's records: try again in a few seconds.",
    pool_split: "These stores keep their stock on different databases: a warehouse serves the stores of one stock pool.",
    pool_moving: "These stores are moving to another database: try again once the move is done (seconds, or minutes for a large pool).",
    idempotency_conflict: "This was already done with other details.",
    two_factor_required: "Two-factor is required for your position.",
    last_admin: "There must always be an active administrator: this is the last one.",
    cannot_deactivate_self: "You cannot deactivate yourself.",
    wrong_proof: "The password or code is not right.",
    invalid_parameters: "Some filters need another look.",
    not_invoiceable: "An invoice is issued once the order is approved, and not for a cancelled order.",
    not_unmatched: "Only rows that did not match are resolved.",
    already_reversed: "This entry has been reversed already: correct its replacement instead.",
    reverses_an_entry: "A reversal is not corrected: correct the entry that replaced it.",
  },
  {
    validation_failed: "部分字段需要检查。",
    forbidden: "您的岗位无权执行此操作。",
    not_found: "该对象已不存在，或不属于您的店铺。",
    conflict: "数据已被他人更改，请刷新后重试。",
    illegal_transition: "订单当前状态不允许此操作。",
    version_mismatch: "数据已被他人更改，请刷新后重试。",
    current_password_wrong: "当前密码不正确。",
    invalid_code: "验证码不正确。",
    invalid_token: "此链接已失效，请重新申请。",
    already_resolved: "已有人处理过。",
    sign_in_failed: "邮箱或密码不正确。",
    sign_in_locked: "登录失败次数过多：请稍等几分钟，或重置密码。",
    rate_limited: "此地址尝试次数过多，请稍后再试。",
    two_factor_failed: "验证码不正确。",
    session_expired: "会话已结束，请重新登录。",
    csrf_failed: "此表单已过期，请重试。",
    internal_error: "服务端出错，请重试。",
    insufficient_stock: "库存不足。",
    not_arrived: "该调拨单尚未登记到本仓库，请几秒后重试。",
    pool_split: "这些店铺的库存位于不同的数据库：一个仓库只能服务同一个库存池的店铺。",
    pool_moving: "这些店铺正在迁移到另一个数据库：请在迁移完成后重试（通常几秒，较大的库存池需几分钟）。",
    idempotency_conflict: "此操作已用不同的内容执行过。",
    two_factor_required: "您的岗位要求开启两步验证。",
    last_admin: "必须始终保留一名在职管理员：这是最后一名。",
    cannot_deactivate_self: "您不能停用自己。",
    wrong_proof: "密码或验证码不正确。",
    invalid_parameters: "部分筛选条件需要检查。",
    not_invoiceable: "订单审核通过后才能开具发票，已取消的订单不能开票。",
    not_unmatched: "只有未匹配的行需要处理。",
    already_reversed: "此记录已被冲销：请更正替代它的记录。",
    reverses_an_entry: "冲销记录不能再更正：请更正替代原记录的那笔记录。",
  },
);

/**
 * Codes whose line says all there is to say: the API's detail repeats it in English ("The email or password is not
 * right") and adds nothing a Chinese reader needs. The other codes' details name what was refused (the SKU short of
 * stock, the transition, the object), so they follow the line.
 */
const COMPLETE = new Set([
  "current_password_wrong",
  "invalid_code",
  "invalid_token",
  "already_resolved",
  "sign_in_failed",
  "sign_in_locked",
  "rate_limited",
  "two_factor_failed",
  "session_expired",
  "csrf_failed",
  "two_factor_required",
  "last_admin",
  "cannot_deactivate_self",
  "wrong_proof",
]);

/** One line for a refusal: our words for its code where we have them, then the API's detail. */
export function problemText(problem: Problem, lang: Lang): string {
  const ours = problem.code ? (CODES[lang] as Record<string, string>)[problem.code] : undefined;
  const detail = problem.detail ?? problem.title ?? "";
  if (!ours) return detail || CODES[lang].internal_error;
  // In English our line and the API's detail say the same thing twice; in Chinese the detail adds the specifics.
  return lang === "en" || !detail || COMPLETE.has(problem.code!) ? ours : `${ours}（${detail}）`;
}

/** Field-level messages of a 422, keyed by the field ("shipping_address.postal_code"). */
export function fieldProblems(problem: Problem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of problem.errors ?? []) if (e.field && !out[e.field]) out[e.field] = e.message;
  return out;
}

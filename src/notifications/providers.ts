/**
 * Where customer messages go. One interface; the provider is chosen by
 * configuration (NOTIFY_PROVIDER):
 * - `local` (default): nothing leaves; every message is recorded and can be
 *   read back through GET /v1/notifications, which is how a developer sees
 *   what customers would get.
 * - `http`: an HTTP email API (NOTIFY_HTTP_ENDPOINT, NOTIFY_HTTP_API_KEY,
 *   NOTIFY_FROM), called with the message id as its idempotency key so a
 *   retried send is not a second email.
 */
export type OutgoingMessage = {
  id: string;
  to: string;
  subject: string;
  text: string;
  /** Files sent with the message (a purchase order's PDF), their content in base64. */
  attachments?: { filename: string; contentType: string; base64: string }[];
};

export type SendResult =
  | { ok: true; providerRef: string | null }
  /** Permanent: retrying will not help (the provider refused the message). */
  | { ok: false; permanent: true; error: string };

export interface NotificationProvider {
  readonly name: string;
  /** Resolves for delivered or permanently refused messages; throws for failures worth retrying. */
  send(message: OutgoingMessage): Promise<SendResult>;
}

export const localProvider: NotificationProvider = {
  name: "local",
  async send() {
    return { ok: true, providerRef: null };
  },
};

export type HttpProviderConfig = { endpoint: string; apiKey: string; from: string };

export function httpEmailProvider({ fetcher = fetch, ...config }: HttpProviderConfig & { fetcher?: typeof fetch }): NotificationProvider {
  return {
    name: "http",
    async send(m) {
      const res = await fetcher(config.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${config.apiKey}`,
          "idempotency-key": m.id,
        },
        body: JSON.stringify({
          from: config.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          ...(m.attachments?.length ? { attachments: m.attachments.map((a) => ({ filename: a.filename, content_type: a.contentType, content: a.base64 })) } : {}),
        }),
      });
      if (res.ok) {
        const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
        return { ok: true, providerRef: typeof body?.id === "string" ? body.id : null };
      }
      // Rate limits and server errors pass; anything else is this message's fault.
      if (res.status === 429 || res.status >= 500) throw new Error(`email provider answered ${res.status}`);
      return { ok: false, permanent: true, error: `email provider refused the message: ${res.status} ${(await res.text()).slice(0, 200)}` };
    },
  };
}

export function providerFor(env: { NOTIFY_PROVIDER?: string; NOTIFY_HTTP_ENDPOINT?: string; NOTIFY_HTTP_API_KEY?: string; NOTIFY_FROM?: string }): NotificationProvider {
  if (env.NOTIFY_PROVIDER === "http") {
    if (!env.NOTIFY_HTTP_ENDPOINT || !env.NOTIFY_HTTP_API_KEY) throw new Error("NOTIFY_PROVIDER=http needs NOTIFY_HTTP_ENDPOINT and NOTIFY_HTTP_API_KEY");
    return httpEmailProvider({ endpoint: env.NOTIFY_HTTP_ENDPOINT, apiKey: env.NOTIFY_HTTP_API_KEY, from: env.NOTIFY_FROM || "orders@example.com" });
  }
  return localProvider;
}

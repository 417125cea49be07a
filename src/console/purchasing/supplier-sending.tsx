/**
 * How a supplier's purchase orders reach it: by its webhook (signed per
 * Standard Webhooks), else by email with the PDF, else by hand. Whether a
 * signing secret exists (the API's webhook_secret_set) is all the page can say of it: the API shows a
 * secret once, in the answer that set the address, and the console shows it
 * on that answer's page only (never in a cookie, never again).
 */
import { Field } from "../fields";
import { fill } from "../i18n";
import { Csrf } from "../layout";
import type { Screen, SupplierView } from "./frame";

const base = (id: string) => `/console/purchasing/suppliers/${encodeURIComponent(id)}`;

export function Sending({
  screen,
  supplier: s,
  mayManage,
  typed,
  error,
}: {
  screen: Screen;
  supplier: SupplierView;
  mayManage: boolean;
  typed?: string | undefined;
  error?: string | undefined;
}) {
  const { ui, p } = screen;
  const how = s.webhook_url ? p.go_webhook : s.email ? fill(p.go_email, { email: s.email }) : p.go_manual;
  return (
    <section class="card" aria-labelledby="sending-h" id="sending">
      <h2 id="sending-h">{p.sending_title}</h2>
      <p class="hint">{p.sending_intro}</p>
      <dl class="facts">
        <dt>{p.orders_go}</dt>
        <dd data-sent-by={s.webhook_url ? "webhook" : s.email ? "email" : "manual"}>{how}</dd>
        <dt>{p.webhook_url}</dt>
        <dd class="mono wrap">{s.webhook_url ?? "—"}</dd>
        <dt>{p.signing_secret}</dt>
        <dd data-secret={s.webhook_secret_set ? "set" : "none"}>{s.webhook_secret_set ? p.secret_set : p.secret_none}</dd>
      </dl>
      {mayManage ? (
        <form method="post" action={`${base(s.id)}/webhook`} class="purchasing-form" novalidate>
          <Csrf ui={ui} />
          <Field
            id="w-webhook_url"
            name="webhook_url"
            type="url"
            label={p.webhook_url}
            hint={p.webhook_url_hint}
            value={typed ?? s.webhook_url ?? ""}
            error={error}
            maxlength={500}
          />
          <div class="actions">
            <button type="submit">{p.save_webhook}</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

/** The secret the API just made, with how the supplier checks an order with it. */
export function NewSecret({ screen, name, secret }: { screen: Screen; name: string; secret: string }) {
  const { p } = screen;
  return (
    <section class="card secret-once" role="status" aria-labelledby="secret-h">
      <h2 id="secret-h">{p.secret_title}</h2>
      <p>{fill(p.secret_once, { name })}</p>
      <p>
        <code class="mono secret" id="signing-secret">
          {secret}
        </code>
      </p>
      <h3>{p.verify_title}</h3>
      <ol>
        <li>{p.verify_headers}</li>
        <li>{p.verify_sign}</li>
        <li>{p.verify_time}</li>
        <li>{p.verify_dedupe}</li>
      </ol>
    </section>
  );
}

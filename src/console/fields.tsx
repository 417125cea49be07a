/**
 * Form fields that several areas of the console share, so that what makes
 * them work (a scanner field's focus and keyboard, a store filter that keeps
 * what was asked for) is set in one place.
 */

/**
 * The field a keyboard-wedge scanner types into. `data-scan` makes the page
 * script keep the focus on it; a scanned code is never autocorrected,
 * capitalised or spell-checked. Its hint must carry `id="<id>-hint"`.
 */
export function ScanInput(props: {
  id?: string;
  name: string;
  value?: string;
  required?: boolean;
  /** Tracking numbers are upper case; item and shipment codes are typed as scanned. */
  upper?: boolean;
  /** A scan's Enter moves on to the form's next field (several scans in one form) instead of sending it. */
  next?: boolean;
  /** Only the first scan field of a page takes the focus when it opens. */
  autofocus?: boolean;
  /** Its problem is shown by the caller, in an element with `id="<id>-error"`. */
  invalid?: boolean;
}) {
  const id = props.id ?? "scan-code";
  return (
    <input
      id={id}
      name={props.name}
      class="scan"
      data-scan
      autofocus={props.autofocus ?? true}
      data-enter-next={props.next ? true : undefined}
      autocomplete="off"
      autocapitalize={props.upper ? "characters" : "off"}
      spellcheck={false}
      aria-describedby={props.invalid ? `${id}-hint ${id}-error` : `${id}-hint`}
      aria-invalid={props.invalid ? "true" : undefined}
      value={props.value}
      required={props.required}
    />
  );
}

/**
 * A store filter: "any" first, then the reader's stores. A store asked for in
 * the address that is not among them stays selected under its id, so the page
 * says what it was asked rather than quietly showing every store.
 */
export function StoreSelect(props: { id: string; name: string; label: string; anyLabel: string; stores: readonly { id: string; name: string }[]; selected: string | undefined }) {
  const { selected, stores } = props;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        <option value="">{props.anyLabel}</option>
        {stores.map((s) => (
          <option value={s.id} selected={s.id === selected}>
            {s.name}
          </option>
        ))}
        {selected && !stores.some((s) => s.id === selected) ? (
          <option value={selected} selected>
            {selected}
          </option>
        ) : null}
      </select>
    </div>
  );
}

/** One labelled input with its hint and its problem (described by both, for screen readers). */
export function Field(props: {
  id: string;
  name?: string;
  label: string;
  value?: string;
  hint?: string;
  error?: string | undefined;
  type?: string;
  scan?: boolean;
  focus?: boolean;
  next?: boolean;
  required?: boolean;
  inputmode?: "numeric" | "decimal" | "text";
  maxlength?: number;
}) {
  const described = [props.hint ? `${props.id}-hint` : "", props.error ? `${props.id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      <input
        id={props.id}
        name={props.name ?? props.id}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        class={props.scan ? "scan" : undefined}
        data-scan={props.focus ? true : undefined}
        data-enter-next={props.next ? true : undefined}
        autocomplete="off"
        autocapitalize={props.scan ? "off" : undefined}
        spellcheck={props.scan ? false : undefined}
        inputmode={props.inputmode}
        maxlength={props.maxlength}
        required={props.required}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={described || undefined}
      />
      {props.error ? (
        <p class="error-text" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

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
}) {
  const id = props.id ?? "scan-code";
  return (
    <input
      id={id}
      name={props.name}
      class="scan"
      data-scan
      autofocus
      autocomplete="off"
      autocapitalize={props.upper ? "characters" : "off"}
      spellcheck={false}
      aria-describedby={`${id}-hint`}
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

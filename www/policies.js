// The policy panel: every decision point with its values (each titled with what it does), a
// one-line summary and its RFC section; presets. A change calls `onChange(point, value)` and takes effect at once; so does
// choosing a preset (no separate Apply).

import { el, option, rfcLink } from './dom.js';

export class PolicyPanel {
  constructor({ list, presetSelect, presetDescription }, hooks) {
    this.list = list;
    this.presetSelect = presetSelect;
    this.presetDescription = presetDescription;
    this.hooks = hooks;
    this.presets = [];
    presetSelect.addEventListener('change', () => {
      this.describePreset();
      if (presetSelect.value) hooks.preset(presetSelect.value);
    });
  }

  setPresets(presets) {
    this.presets = presets;
    const label = (p) => (p.rfc && p.rfc !== '-' ? `${p.name} (${p.rfc})` : p.name);
    this.presetSelect.replaceChildren(option('', 'choose a preset\u2026'), ...presets.map((p) => option(p.name, label(p))));
    this.describePreset();
  }

  describePreset() {
    const p = this.presets.find((x) => x.name === this.presetSelect.value);
    this.presetDescription.textContent = p
      ? `${p.description}${p.settings.length ? `: ${p.settings.join(', ')}` : ''}.`
      : '';
  }

  /** Renders the table returned by `Sandbox.policies()`. */
  render(rows) {
    const focused = document.activeElement && document.activeElement.id;
    this.list.replaceChildren(
      ...rows.map((row) => {
        const id = `policy-${row.point}`;
        const box = el('div', 'policy');
        const label = el('label', 'policy-name');
        label.htmlFor = id;
        label.append(el('code', '', row.point), rfcLink(row.rfc));
        const select = el('select');
        select.id = id;
        select.dataset.point = row.point;
        for (const [value, rfc] of row.values) {
          // What the value does and what a client must do about it, as the badges say.
          const o = option(value, `${value} \u2014 ${rfc}`);
          o.title = this.hooks.explain ? this.hooks.explain(row.point, value) : '';
          select.append(o);
        }
        select.value = row.current;
        const summary = el('p', 'summary', row.summary);
        summary.id = `${id}-summary`;
        select.setAttribute('aria-describedby', summary.id);
        select.addEventListener('change', () => this.hooks.change(row.point, select.value));
        box.append(label, summary, select);
        return box;
      }),
    );
    if (focused) {
      const again = document.getElementById(focused);
      if (again) again.focus();
    }
  }
}

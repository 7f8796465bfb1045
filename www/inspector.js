// The state inspector: mailboxes, messages, flags and UIDs, and each client's own view (its
// sequence numbers, what it has not been told yet, the ghosts it still sees), from
// `Sandbox.snapshot()`.

import { el } from './dom.js';

export class Inspector {
  constructor({ clients, mailboxes }) {
    this.clientsBox = clients;
    this.mailboxesBox = mailboxes;
    // Mailboxes the learner opened or closed by hand; the others are open while selected.
    this.choice = new Map();
  }

  /** `paneOf(clientId)` gives the pane number (1 to 3) or null. */
  render(snapshot, paneOf) {
    if (!snapshot) return;
    this.renderClients(snapshot.clients, paneOf);
    const selected = new Set(snapshot.clients.map((c) => c.selected).filter(Boolean));
    this.renderMailboxes(snapshot.mailboxes, selected);
  }

  renderClients(clients, paneOf) {
    if (!clients.length) {
      this.clientsBox.replaceChildren(el('p', 'muted', 'No client is connected.'));
      return;
    }
    const cards = clients.map((c) => {
      const pane = paneOf(c.id);
      const card = el('div', 'client-card');
      const head = el('p', 'client-head');
      head.append(el('strong', '', pane ? `C${pane}` : `client ${c.id}`));
      const bits = [c.state];
      if (c.user) bits.push(`as ${c.user}`);
      if (c.selected) bits.push(`${c.selected} (${c.read_only ? 'read-only' : 'read-write'})`);
      if (c.mode !== 'command') bits.push(c.mode);
      head.append(document.createTextNode(` ${bits.join(' \u00b7 ')}`));
      card.append(head);
      if (c.selected) {
        const pending = [];
        if (c.pending_expunges) pending.push(`${c.pending_expunges} EXPUNGE`);
        if (c.pending_flag_updates.length) pending.push(`FLAGS of UID ${c.pending_flag_updates.join(', ')}`);
        if (c.pending_new) pending.push(`${c.pending_new} new message${c.pending_new > 1 ? 's' : ''}`);
        card.append(
          el('p', 'muted', `Sees ${c.exists} message${c.exists === 1 ? '' : 's'}. Not told yet: ${pending.length ? pending.join(', ') : 'nothing'}.`),
        );
        const view = el('ol', 'view');
        view.setAttribute('aria-label', `C${pane || c.id}'s view: sequence number to UID`);
        for (const v of c.view) {
          const chip = el('li', `chip${v.ghost ? ' ghost' : ''}${v.recent ? ' recent' : ''}`);
          chip.textContent = `${v.seq}\u2192${v.uid}`;
          chip.title = `sequence number ${v.seq} is UID ${v.uid}${v.ghost ? ': expunged by another client, not yet reported (a ghost)' : ''}${v.recent ? ', \\Recent' : ''}`;
          view.append(chip);
        }
        if (c.exists > c.view.length) view.append(el('li', 'chip more', `+${c.exists - c.view.length}`));
        card.append(view);
      }
      return card;
    });
    this.clientsBox.replaceChildren(...cards);
  }

  renderMailboxes(mailboxes, selected) {
    const items = mailboxes.map((m) => {
      const d = el('details', `mailbox${m.ghost ? ' ghost' : ''}`);
      const auto = selected.has(m.name) || selected.has(m.display_name) || (!selected.size && m.name === 'INBOX');
      d.open = this.choice.has(m.name) ? this.choice.get(m.name) : auto;
      d.addEventListener('toggle', () => {
        if (d.open !== auto) this.choice.set(m.name, d.open);
        else this.choice.delete(m.name);
      });
      const s = el('summary');
      s.append(el('strong', '', m.display_name));
      const facts = [`${m.total} message${m.total === 1 ? '' : 's'}`, `UIDVALIDITY ${m.uid_validity}`, `UIDNEXT ${m.uid_next}`];
      if (m.noselect) facts.push('\\Noselect');
      s.append(el('span', 'muted', ` ${facts.join(' \u00b7 ')}`));
      if (m.ghost) s.append(el('span', 'tag', 'deleted, still selected (RFC 2180 §3.2)'));
      d.append(s);
      if (m.messages.length) {
        const table = el('table', 'messages');
        const head = el('tr');
        for (const h of ['UID', 'Flags', 'Size', 'Subject']) head.append(el('th', '', h));
        table.append(el('thead'), el('tbody'));
        table.tHead.append(head);
        for (const msg of m.messages) {
          const tr = el('tr');
          tr.append(
            el('td', 'num', msg.uid),
            el('td', 'flags', msg.flags.join(' ') + (msg.recent_unclaimed ? ' (recent)' : '')),
            el('td', 'num', msg.size),
            el('td', 'subject', msg.subject),
          );
          table.tBodies[0].append(tr);
        }
        d.append(table);
        if (m.total > m.messages.length) d.append(el('p', 'muted', `and ${m.total - m.messages.length} more`));
      }
      return d;
    });
    this.mailboxesBox.replaceChildren(...items);
  }
}

// One client terminal: a transcript and an input line. Knows nothing of IMAP beyond splitting
// lines and spotting a literal announced at the end of a line (`{n}` or `{n+}`), after which it
// lets the user type n octets that are sent as they are.
//
// Every byte from the server reaches the page through `textContent`, never as HTML.

import { rfcLink } from './dom.js';

const LITERAL = /\{(\d+)(\+?)\}$/;
const encoder = new TextEncoder();
// A transcript keeps at most MAX_LIVE lines and MAX_CHARS characters as elements; past either,
// it folds down to KEEP_LIVE lines and KEEP_CHARS characters. Long lines (an ENVELOPE is ~330
// characters, wrapped over several rows) cost the layout by their length, not their number.
const MAX_LIVE = 600;
const KEEP_LIVE = 400;
const MAX_CHARS = 48000;
const KEEP_CHARS = 32000;
const CLOSED = '(connection closed)';
// Folded text reaches the DOM (find-in-page, copy) at most this long after its reply is shown.
const FOLD_IDLE_MS = 200;
const FOLD_CHUNK = 2000;

let tooltipSeq = 0;
const scrolling = new Set();

function scrollAll() {
  const logs = [...scrolling].map((pane) => pane.log);
  scrolling.clear();
  const heights = logs.map((log) => log.scrollHeight);
  logs.forEach((log, i) => {
    log.scrollTop = heights[i];
  });
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Pane {
  /**
   * @param {number} n        1, 2 or 3
   * @param {HTMLElement} root the pane's <section>
   * @param {object} hooks    { send(pane, text) -> void, reconnect(pane), sever(pane) }
   */
  constructor(n, root, hooks) {
    this.n = n;
    this.root = root;
    this.hooks = hooks;
    this.client = null;
    this.letter = 'abc'[n - 1];
    this.tagNo = 1;
    this.history = [];
    this.historyPos = 0;
    this.draft = '';
    // Octets of a literal still to be typed, and whether the server must first say `+`.
    this.literal = 0;
    this.awaitingContinuation = false;
    // A literal has just ended: the next line (even an empty one) finishes the command.
    this.continuing = false;
    this.closed = true;
    // The engine's mode for this client ('command', 'idle', 'authenticate'), and whether Play
    // has locked the input.
    this.mode = 'command';
    this.locked = false;
    this.waiting = null;
    this.queue = [];
    this.live = 0;
    this.liveChars = 0;
    this.fold = null;
    this.foldText = null;
    this.folded = 0;
    // Folded lines not yet in the fold's text (batches of plain lines), and the idle callback
    // that puts them there.
    this.foldPending = [];
    this.foldTimer = null;
    this.serverName = `S${n}`;
    // The suggestion a replayed workspace owes the input, made once at its end (app.js).
    this.owed = undefined;

    this.log = root.querySelector('.transcript');
    this.form = root.querySelector('form');
    this.input = root.querySelector('input');
    this.hint = root.querySelector('.input-hint');
    this.stateLabel = root.querySelector('.client-state');
    this.reconnectButton = root.querySelector('.reconnect');
    this.severButton = root.querySelector('.sever');

    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('input', () => this.updateHint());
    this.reconnectButton.addEventListener('click', () => hooks.reconnect(this));
    this.severButton.addEventListener('click', () => hooks.sever(this));
  }

  suggestedTag() {
    return `${this.letter}${this.tagNo}`;
  }

  /** Puts the next tag in the input, unless the user is in a literal or answering a `+`. */
  suggest(afterContinuation = false) {
    this.owed = undefined;
    if (this.literal > 0 || this.closed || this.continuing || this.mode !== 'command') {
      this.input.value = '';
    } else if (!afterContinuation) {
      this.input.value = `${this.suggestedTag()} `;
    } else {
      this.input.value = '';
    }
    this.updateHint();
  }

  updateHint() {
    if (this.locked) {
      this.hint.textContent = 'A scenario is playing: press Pause to type here.';
    } else if (this.waiting !== null) {
      this.hint.textContent = this.waiting
        ? `C${this.n} connects at its first line of the scenario.`
        : `C${this.n} takes no part in this scenario; it connects when the scenario ends.`;
    } else if (this.closed) {
      this.hint.textContent = 'Disconnected: press Reconnect.';
    } else if (this.awaitingContinuation) {
      this.hint.textContent = 'Waiting for the server\u2019s + to send the literal.';
    } else if (this.literal > 0) {
      const typed = encoder.encode(this.input.value).length;
      // Warned before sending: octets past the literal's end are read as the rest of the command.
      this.hint.textContent = typed > this.literal
        ? `This line is ${typed} octets, longer than the ${this.literal} the literal has left: the last ${typed - this.literal} would be read as the rest of the command. Shorten it, or announce a bigger literal.`
        : `Literal: ${this.literal} octets to go (each Enter adds CRLF, 2 octets).`;
      this.hint.classList.toggle('warn', typed > this.literal);
    } else if (this.continuing) {
      this.hint.textContent = 'Literal complete: type the rest of the command, or Enter to end it.';
    } else if (this.mode === 'idle') {
      this.hint.textContent = 'IDLE: the server reports changes as they happen; type DONE to end it.';
    } else if (this.mode === 'authenticate') {
      this.hint.textContent = 'AUTHENTICATE: type the base64 response, or * to cancel.';
    } else {
      this.hint.textContent = `Enter sends \u00b7 \u2191\u2193 history \u00b7 next tag ${this.suggestedTag()}`;
    }
    if (!(this.literal > 0) || this.awaitingContinuation) this.hint.classList.remove('warn');
    this.input.setAttribute('aria-description', this.hint.textContent);
  }

  setState(text) {
    this.stateLabel.textContent = text;
  }

  /** The engine's mode for this client: outside command mode no tag is offered. */
  setMode(mode) {
    if (mode === this.mode) return;
    this.mode = mode;
    if (mode !== 'command' && this.input.value === `${this.suggestedTag()} `) this.input.value = '';
    if (mode === 'command' && this.input.value === '' && !this.closed && !this.literal && !this.continuing) this.suggest();
    this.updateHint();
  }

  /** Play types lines out: the input is read-only meanwhile, and says so. */
  lock(on) {
    if (on === this.locked) return;
    this.locked = on;
    this.input.readOnly = on;
    this.root.classList.toggle('is-locked', on);
    this.updateHint();
  }

  setConnected(client) {
    this.client = client;
    this.root.classList.remove('unused');
    this.waiting = null;
    this.mode = 'command';
    this.closed = client === null;
    this.literal = 0;
    this.awaitingContinuation = false;
    this.reconnectButton.hidden = !this.closed;
    this.severButton.hidden = this.closed;
    this.input.disabled = this.closed;
    this.root.classList.toggle('is-closed', this.closed);
    this.suggest();
  }

  /** A scenario client not connected yet: `used` when the scenario types for it. */
  setWaiting(used) {
    this.waiting = used;
    this.root.classList.toggle('unused', !used);
    this.client = null;
    this.closed = false;
    this.literal = 0;
    this.awaitingContinuation = false;
    this.reconnectButton.hidden = true;
    this.severButton.hidden = true;
    this.input.disabled = true;
    this.input.value = '';
    this.root.classList.remove('is-closed');
    this.updateHint();
  }

  clear() {
    this.dimRun = null;
    this.log.replaceChildren();
    this.queue = [];
    this.live = 0;
    this.liveChars = 0;
    this.fold = null;
    this.foldText = null;
    this.folded = 0;
    this.foldPending = [];
  }

  /**
   * Lines are queued and put into the transcript together, once per task (one append and one
   * scroll for a whole reply, however long). Only the last lines are elements (KEEP_LIVE lines
   * and KEEP_CHARS characters at most, once MAX_LIVE or MAX_CHARS is passed); older ones
   * are folded, as plain text, behind "show N earlier lines" (a <details>: its text is still
   * found by the browser's find-in-page, which opens it, and can be selected and copied).
   */
  queueLine(plain, build) {
    const entry = { plain, build };
    this.enqueue(entry);
    return entry;
  }

  /** Queues an entry ({ plain, build }) or a server line (a Line from the wasm API, as it is). */
  enqueue(item) {
    this.queue.push(item);
    // Any line ends a run of dimmed step marks (addStepMark starts the next one).
    this.dimRun = null;
    if (this.queue.length === 1) queueMicrotask(() => this.flush());
  }

  /**
   * A queued item's plain text. A server line's is written only when it is needed (as an
   * element's, or into the fold's text once idle): a reply of 20,000 lines builds no string
   * per line before it is painted.
   */
  plainOf(item) {
    if (item.build) return item.plain;
    return `${this.serverName}: ${item.kind === 'closed' ? CLOSED : item.text}`;
  }

  flush() {
    const queue = this.queue;
    if (!queue.length) return;
    this.queue = [];
    // A server line's plain text is its text after `Sn: ` (4 characters).
    const size = (item) => (item.build ? item.plain.length : 4 + (item.kind === 'closed' ? CLOSED.length : item.text.length));
    const n = queue.length;
    let folding = this.live + n > MAX_LIVE;
    if (!folding) {
      let chars = this.liveChars;
      for (const item of queue) chars += size(item);
      folding = chars > MAX_CHARS;
    }
    const text = [];
    // The first queued item kept as an element.
    let i = 0;
    if (folding) {
      // The longest run of the newest lines within KEEP_LIVE lines and KEEP_CHARS characters,
      // found from the end: a reply of 20,000 lines costs the ~100 lines kept, not 20,000. The
      // newest line always stays an element.
      let kept = 0;
      let keptChars = 0;
      for (i = n; i > 0; i -= 1) {
        const sz = size(queue[i - 1]);
        if (kept > 0 && (kept >= KEEP_LIVE || keptChars + sz > KEEP_CHARS)) break;
        kept += 1;
        keptChars += sz;
      }
      let lines = this.live + kept;
      let chars = this.liveChars + keptChars;
      // Elements already shown, oldest first (the fold is the transcript's first child): all of
      // them when queued lines are folded too, else until the rest is within the budget.
      while (this.live > 0 && (i > 0 || lines > KEEP_LIVE || chars > KEEP_CHARS)) {
        const li = this.fold ? this.fold.nextElementSibling : this.log.firstElementChild;
        if (!li) break;
        const plain = li.dataset.plain || li.textContent;
        text.push(plain);
        li.remove();
        this.live -= 1;
        this.liveChars = Math.max(0, this.liveChars - plain.length);
        lines -= 1;
        chars -= plain.length;
      }
    }
    if (text.length || i) this.addFolded(i ? text.concat(queue.slice(0, i)) : text);
    const frag = document.createDocumentFragment();
    for (; i < queue.length; i += 1) {
      const item = queue[i];
      const li = item.build ? item.build() : this.buildServerLine(item);
      const plain = this.plainOf(item);
      li.dataset.plain = plain;
      frag.append(li);
      this.live += 1;
      this.liveChars += plain.length;
    }
    this.log.append(frag);
    this.scroll();
  }

  /**
   * Folds `text` (plain lines or queued items, oldest first). The count is shown at once; the text itself (20,000
   * ENVELOPE lines are ~7 MB to join and copy into the DOM) goes into the fold after the reply is
   * painted, when the page is idle (within FOLD_IDLE_MS), or at once when the fold is opened.
   */
  addFolded(text) {
    if (!this.fold) {
      this.fold = el('li', 'fold');
      const details = el('details');
      this.foldSummary = el('summary', 'fold-summary');
      this.foldText = el('pre', 'fold-text');
      details.append(this.foldSummary, this.foldText);
      details.addEventListener('toggle', () => this.foldNow());
      this.fold.append(details);
      this.log.prepend(this.fold);
    }
    this.foldPending.push(text);
    this.folded += text.length;
    this.foldSummary.textContent = `show ${this.folded} earlier line${this.folded === 1 ? '' : 's'}`;
    this.foldSoon();
  }

  foldSoon() {
    if (this.foldTimer !== null) return;
    const later = (deadline) => {
      this.foldTimer = null;
      this.foldNow(deadline);
    };
    this.foldTimer = typeof requestIdleCallback === 'function'
      ? requestIdleCallback(later, { timeout: FOLD_IDLE_MS })
      : setTimeout(later, FOLD_IDLE_MS);
  }

  /**
   * Puts the folded lines still pending into the fold's text: all of them, or, given an idle
   * `deadline`, FOLD_CHUNK lines at a time while the page is idle (a task of a few ms each,
   * so a key typed meanwhile does not wait for 20,000 lines), the rest in the next idle time.
   */
  foldNow(deadline) {
    const pending = this.foldPending;
    if (!this.foldText) {
      this.foldPending = [];
      return;
    }
    while (pending.length) {
      const batch = pending[0];
      const end = deadline ? Math.min(batch.length, FOLD_CHUNK) : batch.length;
      const plain = new Array(end);
      for (let i = 0; i < end; i += 1) plain[i] = typeof batch[i] === 'string' ? batch[i] : this.plainOf(batch[i]);
      if (end === batch.length) pending.shift();
      else pending[0] = batch.slice(end);
      // A text node per chunk: appending to one node would copy all the folded text every time.
      this.foldText.append(`${this.foldText.firstChild ? '\n' : ''}${plain.join('\n')}`);
      if (pending.length && deadline && (deadline.didTimeout || deadline.timeRemaining() < 1)) {
        this.foldSoon();
        return;
      }
    }
  }

  /**
   * Scrolls to the last line before the next paint: the panes a step touched (every pane gets its
   * step mark) are scrolled together, after one layout, not one layout each.
   */
  scroll() {
    scrolling.add(this);
    if (scrolling.size === 1) requestAnimationFrame(scrollAll);
  }

  /** A line the client sent (or is shown to send); `note` is shown after it (e.g. not sent). */
  addClientLine(text, extraClass = '', note = '') {
    this.queueLine(`C${this.n}: ${text}${note ? ` (${note})` : ''}`, () => {
      const li = el('li', `line client ${extraClass}`.trim());
      const span = el('span', 'text', text);
      if (note) span.append(el('span', 'badge bad', note));
      li.append(el('span', 'who', `C${this.n}`), span);
      return li;
    });
  }

  /** A response: `line` is one Line from the wasm API. */
  addServerLine(line) {
    this.enqueue(line);
  }

  buildServerLine(line) {
    const shown = line.kind === 'closed' ? CLOSED : line.text;
    const classes = ['line', 'server', line.kind];
    if (line.status) classes.push(`st-${line.status.toLowerCase()}`);
    if (line.failed) classes.push('failed');
    const li = el('li', classes.join(' '));
    li.append(el('span', 'who', `S${this.n}`));
    const text = el('span', 'text', shown);
    li.append(text);
    if (line.citation) {
      const c = line.citation;
      const id = `why-${++tooltipSeq}`;
      const why = el('span', 'why', `Why: ${c.point} = ${c.value} (`);
      why.append(rfcLink(c.rfc, 'why-rfc'), ')');
      const more = this.hooks.explain ? this.hooks.explain(c) : '';
      if (more) why.append(el('span', 'why-more', more));
      why.id = id;
      why.setAttribute('role', 'tooltip');
      li.classList.add('cited');
      li.tabIndex = 0;
      li.setAttribute('aria-describedby', id);
      li.title = `${c.point} = ${c.value} (${c.rfc})`;
      // Badges sit inline after the text, so they take no column of their own.
      text.append(el('span', 'badge', c.rfc));
      li.append(why);
    }
    if (line.failed) {
      text.append(el('span', 'badge bad', 'unexpected'));
    }
    return li;
  }

  /**
   * Step `n` of the timeline starts here; dimmed when the step did not touch this pane. Steps in
   * a row that did not touch it share one dimmed mark ("3\u20137 elsewhere"), so an idle pane
   * does not fill up with marks.
   */
  addStepMark(n, touched) {
    const run = this.dimRun;
    if (!touched && run) {
      run.to = n;
      run.entry.plain = `\u2014 ${run.from}\u2013${n} elsewhere \u2014`;
      if (run.li) {
        run.li.dataset.to = String(n);
        run.li.dataset.plain = run.entry.plain;
        run.li.firstChild.textContent = `${run.from}\u2013${n}`;
      }
      return;
    }
    const mark = touched ? null : { from: n, to: n, li: null, entry: null };
    const entry = this.queueLine(touched ? `\u2014 ${n} \u2014` : `\u2014 ${n} elsewhere \u2014`, () => {
      const li = el('li', `line step-mark${touched ? '' : ' dim'}`);
      li.dataset.step = String(n);
      li.append(el('span', 'who', String(n)), el('span', 'text', touched ? '' : 'elsewhere'));
      if (mark) {
        li.dataset.to = String(mark.to);
        if (mark.to !== n) li.firstChild.textContent = `${n}\u2013${mark.to}`;
        mark.li = li;
      }
      return li;
    });
    if (mark) {
      mark.entry = entry;
      this.dimRun = mark;
    }
  }

  /** A remark from the page itself (policy change, scenario, restart). */
  addNote(text, kind = 'note') {
    this.queueLine(`\u2022 ${text}`, () => {
      const li = el('li', `line ${kind}`);
      li.append(el('span', 'who', '\u2022'), el('span', 'text', text));
      return li;
    });
  }

  onKey(e) {
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      if (!this.history.length) return;
      e.preventDefault();
      if (this.historyPos === this.history.length) this.draft = this.input.value;
      const delta = e.key === 'ArrowUp' ? -1 : 1;
      this.historyPos = Math.max(0, Math.min(this.history.length, this.historyPos + delta));
      this.input.value =
        this.historyPos === this.history.length ? this.draft : this.history[this.historyPos];
      const end = this.input.value.length;
      this.input.setSelectionRange(end, end);
    }
  }

  /** Sends the input line, or `text` (a replayed workspace's line, typed by no one). */
  submit(text = this.input.value) {
    if (this.closed || this.locked) return;
    // An empty line is sent only to end a command after its literal (an empty Cn: line).
    if (this.literal === 0 && !this.continuing && text.trim() === '') return;
    if (this.literal === 0 && text.trim() === this.suggestedTag()) return;
    if (this.history[this.history.length - 1] !== text && this.literal === 0) this.history.push(text);
    this.historyPos = this.history.length;
    this.draft = '';
    this.hooks.send(this, text);
  }

  /**
   * What to send for one typed line, given the literal state: the octets and how the state
   * changes. A line inside a literal counts its CRLF, as the scenario notation does; a line
   * that fills the literal exactly is sent without CRLF so the command can go on.
   */
  frame(text) {
    if (this.literal > 0) {
      const bytes = encoder.encode(text).length;
      let wire;
      if (bytes >= this.literal) {
        // The literal ends inside (or at the end of) this line; the rest continues the command.
        const exact = bytes === this.literal;
        wire = exact ? text : `${text}\r\n`;
        this.literal = 0;
        this.continuing = exact;
        if (!exact) this.announce(text);
      } else {
        wire = `${text}\r\n`;
        this.literal = Math.max(0, this.literal - bytes - 2);
        // A literal that ends with this line's CRLF: the command goes on on the next line.
        this.continuing = this.literal === 0;
      }
      return wire;
    }
    this.continuing = false;
    if (text.startsWith(`${this.suggestedTag()} `)) this.tagNo += 1;
    this.announce(text);
    return `${text}\r\n`;
  }

  /** Notes a literal announced at the end of a line. */
  announce(text) {
    const m = LITERAL.exec(text);
    if (!m) return;
    this.literal = Number(m[1]);
    this.awaitingContinuation = m[2] !== '+' && this.literal > 0;
  }

  /** Called with the lines the server sent this client after our input. */
  received(lines) {
    let continuation = false;
    for (const line of lines) {
      if (line.kind === 'continuation') {
        continuation = true;
        this.awaitingContinuation = false;
      } else if (line.kind === 'tagged' && this.awaitingContinuation) {
        // The server refused the literal (RFC 3501 §7.5): nothing more to type for it.
        this.awaitingContinuation = false;
        this.literal = 0;
      }
    }
    if (this.awaitingContinuation) {
      // Nothing came back yet (cannot happen with this engine, which answers at once).
      this.literal = 0;
      this.awaitingContinuation = false;
    }
    return continuation;
  }
}

//! Drives three sessions of one `Server` from fuzz bytes, the way `tests/random_sessions.rs`
//! does with a PRNG, through the same harness (`tests/common/engine_driver.rs`): every response
//! must parse back exactly, views must agree with the store after NOOP, and no message may be
//! lost or duplicated. A broken invariant panics, which libFuzzer reports as a crash.
#![no_main]

#[path = "../../tests/common/engine_driver.rs"]
#[allow(dead_code)] // shared with tests/random_sessions.rs, which uses all of it
mod engine_driver;

use std::sync::OnceLock;

use engine_driver::{Harness, MAILBOXES, SEARCHES, SETS};
use imap_sandbox::server::{Policies, World};
use libfuzzer_sys::fuzz_target;

/// The default world, built once per process; each run starts from a clone of it (the
/// messages are shared by `Arc`, so a clone copies only the mailbox and user tables).
fn world() -> World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(World::default_world).clone()
}

/// Command templates; `~` is replaced by a mailbox, `^` by a set, `` ` `` by search keys.
const COMMANDS: &[&str] = &[
    "LOGIN alice alice",
    "SELECT ~",
    "EXAMINE ~",
    "CREATE ~",
    "DELETE ~",
    "RENAME ~ ~",
    "STATUS ~ (MESSAGES UIDNEXT UNSEEN)",
    "CHECK",
    "CLOSE",
    "UNSELECT",
    "EXPUNGE",
    "UID EXPUNGE ^",
    "SEARCH `",
    "UID SEARCH `",
    "FETCH ^ (FLAGS UID ENVELOPE)",
    "UID FETCH ^ (BODY[] BODYSTRUCTURE)",
    "STORE ^ +FLAGS (\\Deleted)",
    "STORE ^ -FLAGS.SILENT (\\Deleted)",
    "UID STORE ^ FLAGS (\\Seen)",
    "COPY ^ ~",
    "UID COPY ^ ~",
    "MOVE ^ ~",
    "UID MOVE ^ ~",
    "IDLE",
    "NOOP",
    "LOGOUT",
    "SUBSCRIBE ~",
    "LIST \"\" *",
    // The extensions of issues 12 and 13: CONDSTORE/QRESYNC (RFC 7162), ESEARCH/SEARCHRES
    // (RFC 4731, 5182), CONTEXT=SEARCH (RFC 5267), NOTIFY (RFC 5465), SORT/THREAD (RFC 5256).
    "ENABLE QRESYNC",
    "ENABLE CONDSTORE",
    "ENABLE IMAP4rev2",
    "STATUS ~ (MESSAGES DELETED SIZE RECENT)",
    "SELECT ~ (CONDSTORE)",
    "UID FETCH ^ (FLAGS MODSEQ) (CHANGEDSINCE 1 VANISHED)",
    "STORE ^ (UNCHANGEDSINCE 5) +FLAGS ($Fuzz)",
    "SEARCH RETURN (MIN MAX COUNT SAVE) `",
    "FETCH $ (FLAGS)",
    "SEARCH RETURN (UPDATE) `",
    "CANCELUPDATE \"A1\"",
    "NOTIFY SET (selected MessageNew MessageExpunge FlagChange) (personal MessageNew MessageExpunge MailboxName)",
    "NOTIFY NONE",
    "SORT (REVERSE SUBJECT) UTF-8 `",
    "THREAD REFERENCES UTF-8 `",
    // 2026-12-01, fourth session: ESORT and CONTEXT=SORT (RFC 5267 §3, §4), RFC 5465 §7's
    // UPDATE fetch attributes, `$` ending a set (RFC 5182 §3), QUOTA's read side (RFC 9208).
    // CATENATE and SETQUOTA are left out: the harness's model would not know the messages or
    // limits they make.
    "SORT RETURN (MIN MAX COUNT ALL) (ARRIVAL) UTF-8 `",
    "UID SORT RETURN (UPDATE) (REVERSE SUBJECT) UTF-8 `",
    "SEARCH RETURN (UPDATE (UID FLAGS)) `",
    "FETCH ^,$ (FLAGS)",
    "GETQUOTAROOT ~",
];

struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn pick<'s>(&mut self, items: &[&'s str]) -> &'s str {
        let b = usize::from(self.byte().unwrap_or(0));
        items[b % items.len()]
    }
}

/// The store size past which the fuzz target stops adding messages (see the loop).
const MAX_MESSAGES: usize = 100;

fn total_messages(h: &Harness) -> usize {
    h.server.store().all().map(|m| m.messages.len()).sum()
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    // The first bytes pick a value for each decision point.
    let mut policies = Policies::default();
    for row in Policies::default().table() {
        let b = usize::from(input.byte().unwrap_or(0));
        let _ = policies.set(row.point, row.values[b % row.values.len()].0);
    }
    let mut h = Harness::over(world(), policies);
    let table = Policies::default().table();
    while let Some(op) = input.byte() {
        let client = usize::from(op >> 6) % 3;
        // Repeated `COPY 1:*` into the selected mailbox doubles it each time: a few such bytes
        // make one run take seconds, all of it in the model's bookkeeping. Past MAX_MESSAGES,
        // the operations that add messages (APPEND, COPY, MOVE) are skipped.
        let kind = op & 0x3f;
        let grows = match kind {
            4 => true,
            0..=3 => false,
            k => COMMANDS
                .get(usize::from(k) % COMMANDS.len())
                .is_some_and(|t| t.contains("COPY") || t.contains("MOVE")),
        };
        if grows && total_messages(&h) > MAX_MESSAGES {
            continue;
        }
        let result = match kind {
            0 => h.disconnect(client),
            1 => {
                let row = &table[usize::from(input.byte().unwrap_or(0)) % table.len()];
                let v = row.values[usize::from(input.byte().unwrap_or(0)) % row.values.len()].0;
                h.set_policy(row.point, v);
                Ok(())
            }
            // Raw bytes: a length, then that many octets, straight to the framer.
            2 => {
                let n = usize::from(input.byte().unwrap_or(0)).min(input.0.len());
                let (raw, rest) = input.0.split_at(n);
                input.0 = rest;
                h.raw(client, raw)
            }
            3 => h.sync_and_check().map(|_| ()),
            4 => {
                let mut line = b"APPEND ".to_vec();
                line.extend_from_slice(input.pick(MAILBOXES).as_bytes());
                let msg = h.new_message();
                line.extend_from_slice(format!(" {{{}+}}\r\n", msg.len()).as_bytes());
                line.extend_from_slice(&msg);
                h.command(client, &line)
            }
            k => {
                let template = COMMANDS[usize::from(k) % COMMANDS.len()];
                let mut cmd = String::new();
                for c in template.chars() {
                    match c {
                        '~' => cmd.push_str(input.pick(MAILBOXES)),
                        '^' => cmd.push_str(input.pick(SETS)),
                        '`' => cmd.push_str(input.pick(SEARCHES)),
                        c => cmd.push(c),
                    }
                }
                h.command(client, cmd.as_bytes())
            }
        };
        if let Err(e) = result {
            panic!("{e}");
        }
    }
    if let Err(e) = h.sync_and_check() {
        panic!("{e}");
    }
});

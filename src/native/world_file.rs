//! Worlds from files, for `serve --world FILE` and `imap-sandbox world export` (issue 13: tests
//! that arrange the world from the shell): the sandbox's own JSON form, which `world export`
//! writes and `--world` reads back exactly, and imports of an mbox file or a Maildir.
//!
//! The JSON form (`"format": "imap-sandbox world 1"`):
//!
//! ```json
//! { "format": "imap-sandbox world 1",
//!   "users": [ { "name": "alice", "password": "alice", "subscriptions": ["INBOX"] } ],
//!   "mailboxes": [
//!     { "name": "INBOX", "uidvalidity": 1, "messages": [
//!       { "uid": 1, "flags": ["\\Seen", "$Label1"],
//!         "internaldate": "01-Jan-2024 07:00:00 +0000",
//!         "raw": "Subject: hi\r\n\r\nHello\r\n" } ] } ] }
//! ```
//!
//! Only `format` is required; everything else has a default: no users (then the default world's
//! alice, bob and carol are added, so that someone can log in), INBOX always present, UIDs from
//! 1 in order, no flags, INTERNALDATE the sandbox's epoch. A message whose octets are not UTF-8
//! is written as `raw_base64` (RFC 4648 §4) instead of `raw`. Mailbox names are the names a
//! client sees (UTF-8; stored in modified UTF-7, RFC 3501 §5.1.3), `/` the hierarchy
//! delimiter. Anything malformed is an error naming the entry, never a panic.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::protocol::encode::{write_date_time, write_flag};
use crate::protocol::parse::date_time;
use crate::protocol::types::{DateTime, Flag};
use crate::protocol::utf7;
use crate::server::mailstore::{Flags, MessageData, Store, Uid};
use crate::server::mime::crlf_lines;
use crate::server::mime::decode::{base64, write_base64};
use crate::server::world::{datetime_from_unix, SANDBOX_EPOCH};
use crate::server::{Server, User, World};

/// The `format` value of this version of the JSON form.
pub const FORMAT: &str = "imap-sandbox world 1";

/// The largest world file read (`--world`): the whole world is held in memory.
pub const MAX_WORLD_FILE: u64 = 512 * 1024 * 1024;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldFile {
    pub format: String,
    #[serde(default)]
    pub users: Vec<UserEntry>,
    #[serde(default)]
    pub mailboxes: Vec<MailboxEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserEntry {
    pub name: String,
    pub password: String,
    #[serde(default)]
    pub subscriptions: Vec<String>,
    /// The user's quota limits (RFC 9208, `Server::set_quota`); none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<QuotaEntry>,
}

/// A user's quota limits: STORAGE in KiB (RFC 9208 §5.1), MESSAGE (§5.2); either may be absent.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_kib: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailboxEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uidvalidity: Option<u32>,
    #[serde(default)]
    pub messages: Vec<MessageEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internaldate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
}

/// Reads a world: a `.json` file in the JSON form, a directory as a Maildir, any other file as
/// an mbox.
pub fn load(path: &Path) -> Result<World, String> {
    let shown = path.display();
    if path.is_dir() {
        return maildir(path);
    }
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{shown}: {e}"))?
        .len();
    if size > MAX_WORLD_FILE {
        return Err(format!(
            "{shown}: {size} bytes, at most {MAX_WORLD_FILE} are read"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        from_json(&bytes).map_err(|e| format!("{shown}: {e}"))
    } else {
        Ok(with_default_users(mbox(&bytes)))
    }
}

/// The JSON form, read.
pub fn from_json(bytes: &[u8]) -> Result<World, String> {
    let file: WorldFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if file.format != FORMAT {
        return Err(format!(
            "\"format\" is {:?}; this version reads {FORMAT:?}",
            file.format
        ));
    }
    let mut world = World::empty();
    for u in &file.users {
        if u.name.is_empty() {
            return Err("a user with an empty name".into());
        }
        world = world.with_user(&u.name, &u.password);
    }
    for mb in &file.mailboxes {
        add_mailbox(&mut world.store, mb).map_err(|e| format!("mailbox {:?}: {e}", mb.name))?;
    }
    for u in &file.users {
        for name in &u.subscriptions {
            world.store.subscribe(&u.name, &utf7::encode(name));
        }
        if let Some(q) = &u.quota {
            let limits = crate::server::mailstore::QuotaLimits {
                storage_kib: q.storage_kib,
                messages: q.messages,
            };
            world.store.set_quota(&u.name, limits);
        }
    }
    Ok(with_default_users(world))
}

/// No users: the default world's, each subscribed to every mailbox, so a client can log in.
fn with_default_users(mut world: World) -> World {
    if !world.users.is_empty() {
        return world;
    }
    let names: Vec<String> = world.store.live().map(|m| m.name.clone()).collect();
    for user in ["alice", "bob", "carol"] {
        world = world.with_user(user, user);
        for name in &names {
            world.store.subscribe(user, name);
        }
    }
    world
}

fn add_mailbox(store: &mut Store, entry: &MailboxEntry) -> Result<(), String> {
    let wire = utf7::encode(&entry.name);
    let id = match store.id_of(&wire) {
        Some(id) => id,
        None => store.create(&wire).map_err(|e| format!("{e:?}"))?,
    };
    let mb = store.get_mut(id).ok_or_else(|| "not created".to_string())?;
    if !mb.messages.is_empty() {
        return Err("listed twice".into());
    }
    if let Some(v) = entry.uidvalidity {
        // RFC 3501 §2.3.1.1: "nz-number".
        if v == 0 {
            return Err("uidvalidity 0 (it is a non-zero number, RFC 3501 §2.3.1.1)".into());
        }
        mb.uid_validity = v;
    }
    for (i, m) in entry.messages.iter().enumerate() {
        let raw = message_octets(m).map_err(|e| format!("message {}: {e}", i + 1))?;
        let date = match &m.internaldate {
            Some(text) => parse_date_time(text).map_err(|e| format!("message {}: {e}", i + 1))?,
            None => datetime_from_unix(SANDBOX_EPOCH),
        };
        let flags = parse_flags(&m.flags).map_err(|e| format!("message {}: {e}", i + 1))?;
        // The keyword limit of src/server/limits.rs holds for a loaded world too.
        crate::server::limits::check_flags(mb, &flags)
            .map_err(|f| format!("message {}: {}", i + 1, f.text))?;
        if let Some(uid) = m.uid {
            // RFC 3501 §2.3.1.1: UIDs strictly ascend within a mailbox.
            if uid == 0 || uid < mb.uid_next {
                return Err(format!(
                    "message {}: uid {uid} does not ascend (next free is {})",
                    i + 1,
                    mb.uid_next
                ));
            }
            mb.uid_next = uid;
        }
        mb.append(MessageData::new(raw, date), Flags::from_list(&flags))
            .ok_or_else(|| "UIDs used up".to_string())?;
        // A loaded world has nothing recent: \Recent is for what arrives while you watch.
        if let Some(last) = mb.messages.last_mut() {
            last.recent_unclaimed = false;
        }
    }
    Ok(())
}

fn message_octets(m: &MessageEntry) -> Result<Vec<u8>, String> {
    let raw = match (&m.raw, &m.raw_base64) {
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(b64)) => base64_decode(b64)?,
        (Some(_), Some(_)) => return Err("both \"raw\" and \"raw_base64\"".into()),
        (None, None) => return Err("no \"raw\" or \"raw_base64\"".into()),
    };
    if raw.is_empty() {
        return Err("an empty message".into());
    }
    Ok(raw)
}

fn parse_date_time(text: &str) -> Result<DateTime, String> {
    let quoted = format!("\"{text}\"");
    match date_time(quoted.as_bytes()) {
        Ok((&[], dt)) => Ok(dt),
        _ => Err(format!(
            "internaldate {text:?} is not an IMAP date-time like \"01-Jan-2024 07:00:00 +0000\""
        )),
    }
}

/// Flag names as IMAP writes them (RFC 3501 §9 `flag`); `\Recent` refused. One reader of flag
/// names for world files and every control front end: [`crate::server::control::parse_flags`].
pub(crate) fn parse_flags(names: &[String]) -> Result<Vec<Flag>, String> {
    crate::server::control::parse_flags(names).map_err(|e| e.0)
}

/// The JSON form of the server's live world: its users, subscriptions and live mailboxes with
/// their messages (not the sessions, and not the ghosts of deleted mailboxes).
pub fn export(server: &Server) -> String {
    export_parts(server.store(), server.users())
}

/// The JSON form of a world.
pub fn export_world(world: &World) -> String {
    export_parts(&world.store, &world.users)
}

fn export_parts(store: &Store, users: &[User]) -> String {
    let shown = |wire: &str| utf7::decode(wire).unwrap_or_else(|_| wire.to_string());
    let file = WorldFile {
        format: FORMAT.to_string(),
        users: users
            .iter()
            .map(|u| UserEntry {
                name: u.name.clone(),
                password: u.password.clone(),
                subscriptions: store.subscriptions(&u.name).map(|n| shown(n)).collect(),
                quota: Some(store.quota(&u.name))
                    .filter(|q| q.any())
                    .map(|q| QuotaEntry {
                        storage_kib: q.storage_kib,
                        messages: q.messages,
                    }),
            })
            .collect(),
        mailboxes: store
            .live()
            .map(|mb| MailboxEntry {
                name: shown(&mb.name),
                uidvalidity: Some(mb.uid_validity),
                messages: mb
                    .messages
                    .iter()
                    .map(|m| {
                        let Uid(uid) = m.uid;
                        let mut date = Vec::new();
                        write_date_time(&m.data.internal_date, &mut date);
                        let date = String::from_utf8_lossy(&date).trim_matches('"').to_string();
                        let (raw, raw_base64) = match std::str::from_utf8(&m.data.raw) {
                            Ok(text) => (Some(text.to_string()), None),
                            Err(_) => (None, Some(base64_encode(&m.data.raw))),
                        };
                        MessageEntry {
                            uid: Some(uid),
                            flags: m
                                .flags
                                .to_list(false)
                                .iter()
                                .map(|f| {
                                    let mut out = Vec::new();
                                    write_flag(f, &mut out);
                                    String::from_utf8_lossy(&out).to_string()
                                })
                                .collect(),
                            internaldate: Some(date),
                            raw,
                            raw_base64,
                        }
                    })
                    .collect(),
            })
            .collect(),
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// An mbox file (RFC 4155): messages into INBOX, each starting at a `From ` line at the start of
/// the file or after an empty line; `>From ` quoting of body lines is undone (the "mboxrd"
/// reading, which also reads "mboxo" files correctly except for lines that began `>From `).
/// Line ends become CRLF (RFC 5322 §2.1). INTERNALDATE is the sandbox's epoch.
pub fn mbox(bytes: &[u8]) -> World {
    let mut world = World::empty();
    let mut current: Option<Vec<u8>> = None;
    let mut previous_empty = true;
    let mut messages = Vec::new();
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let body = line
            .strip_suffix(b"\n")
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .unwrap_or(line);
        if previous_empty && body.starts_with(b"From ") {
            messages.extend(current.take());
            current = Some(Vec::new());
            previous_empty = false;
            continue;
        }
        previous_empty = body.is_empty();
        if let Some(m) = current.as_mut() {
            let unquoted = match body.iter().position(|&b| b != b'>') {
                Some(n) if n > 0 && body.get(n..).is_some_and(|r| r.starts_with(b"From ")) => {
                    body.get(1..).unwrap_or_default()
                }
                _ => body,
            };
            m.extend_from_slice(unquoted);
            m.extend_from_slice(b"\r\n");
        }
    }
    messages.extend(current);
    for mut m in messages {
        // The empty line before the next `From ` belongs to the mbox, not the message.
        if m.ends_with(b"\r\n\r\n") {
            m.truncate(m.len() - 2);
        }
        if !m.is_empty() {
            world = world.with_message("INBOX", &m);
        }
    }
    world
}

/// A Maildir (or Maildir++): the messages of `cur/` and `new/` into INBOX, and each
/// `.Name.Sub` subfolder into `Name/Sub`; flags from the `:2,` info of each file name (D
/// \Draft, F \Flagged, R \Answered, S \Seen, T \Deleted); files in name order.
pub fn maildir(root: &Path) -> Result<World, String> {
    let mut world = World::empty();
    let mut folders: Vec<(String, std::path::PathBuf)> = vec![("INBOX".into(), root.into())];
    let entries = std::fs::read_dir(root).map_err(|e| format!("{}: {e}", root.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(sub) = name.strip_prefix('.') {
            if !sub.is_empty() && sub != "." && e.path().join("cur").is_dir() {
                folders.push((sub.replace('.', "/"), e.path()));
            }
        }
    }
    if !root.join("cur").is_dir() && !root.join("new").is_dir() {
        return Err(format!(
            "{}: not a Maildir (no cur/ or new/)",
            root.display()
        ));
    }
    folders.sort();
    for (mailbox, dir) in folders {
        let mut files = Vec::new();
        for part in ["cur", "new"] {
            if let Ok(list) = std::fs::read_dir(dir.join(part)) {
                files.extend(list.flatten().map(|e| e.path()).filter(|p| p.is_file()));
            }
        }
        files.sort();
        let wire = utf7::encode(&mailbox);
        let id = match world.store.id_of(&wire) {
            Some(id) => id,
            None => world
                .store
                .create(&wire)
                .map_err(|e| format!("{mailbox}: {e:?}"))?,
        };
        for file in files {
            let raw = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            if raw.is_empty() {
                continue;
            }
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let mut flags = Vec::new();
            if let Some((_, info)) = name.rsplit_once(":2,") {
                for c in info.chars() {
                    flags.push(match c {
                        'D' => Flag::Draft,
                        'F' => Flag::Flagged,
                        'R' => Flag::Answered,
                        'S' => Flag::Seen,
                        'T' => Flag::Deleted,
                        _ => continue,
                    });
                }
            }
            if let Some(mb) = world.store.get_mut(id) {
                mb.append(
                    MessageData::new(crlf_lines(&raw), datetime_from_unix(SANDBOX_EPOCH)),
                    Flags::from_list(&flags),
                );
                if let Some(last) = mb.messages.last_mut() {
                    last.recent_unclaimed = false;
                }
            }
        }
    }
    Ok(with_default_users(world))
}

/// RFC 4648 §4 on one line (MIME's encoder, its line breaks taken out).
pub fn base64_encode(data: &[u8]) -> String {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + data.len() / 28);
    write_base64(data, &mut out);
    out.retain(|b| !b.is_ascii_whitespace());
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 4648 §4, whitespace ignored, padding optional: MIME's decoder, made strict first (it
/// skips what is not base64, RFC 2045 §6.8), since a stray character in a world file or a
/// control request is a mistake to report, not noise.
pub fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    if let Some(c) = text
        .chars()
        .find(|&c| !(alphabet(c) || c == '=' || c.is_ascii_whitespace()))
    {
        return Err(format!("raw_base64: {c:?} is not base64"));
    }
    if let Some((_, after)) = text.split_once('=') {
        if after.chars().any(alphabet) {
            return Err("raw_base64: data after padding".into());
        }
    }
    Ok(base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_world_survives_export_and_load() {
        let world = World::default_world();
        let json = export_world(&world);
        let back = from_json(json.as_bytes()).unwrap();
        assert_eq!(export_world(&back), json);
        let inbox = back.store.by_name("INBOX").unwrap();
        let orig = world.store.by_name("INBOX").unwrap();
        assert_eq!(inbox.uid_validity, orig.uid_validity);
        assert_eq!(inbox.messages.len(), orig.messages.len());
        assert_eq!(inbox.messages[0].data.raw, orig.messages[0].data.raw);
        assert_eq!(inbox.messages[0].flags, orig.messages[0].flags);
        assert_eq!(back.users.len(), 3);
        assert!(back.store.is_subscribed("bob", "Archive/2024"));
    }

    /// RFC 9208: a user's quota limits are read, written back, and absent when none.
    #[test]
    fn quota_limits_survive_export_and_load() {
        use crate::server::mailstore::QuotaLimits;
        let json = br#"{"format": "imap-sandbox world 1",
            "users": [{"name": "me", "password": "pw", "quota": {"storage_kib": 5}},
                      {"name": "you", "password": "pw"}]}"#;
        let world = from_json(json).unwrap();
        let five = QuotaLimits {
            storage_kib: Some(5),
            messages: None,
        };
        assert_eq!(world.store.quota("me"), five);
        assert_eq!(world.store.quota("you"), QuotaLimits::default());
        let out = export_world(&world);
        assert!(
            out.contains("\"quota\": {\n        \"storage_kib\": 5\n      }"),
            "{out}"
        );
        assert_eq!(from_json(out.as_bytes()).unwrap().store.quota("me"), five);
        let bad = br#"{"format": "imap-sandbox world 1",
            "users": [{"name": "me", "password": "pw", "quota": {"bytes": 5}}]}"#;
        assert!(from_json(bad).unwrap_err().contains("unknown field"));
    }

    #[test]
    fn a_minimal_file_gets_defaults_and_kept_uids() {
        let json = br#"{"format": "imap-sandbox world 1", "mailboxes": [
            {"name": "Caf\u00e9/Re\u00e7us", "messages": [
              {"uid": 7, "flags": ["\\Flagged", "$Work"], "raw": "Subject: a\r\n\r\nx\r\n"},
              {"raw_base64": "U3ViamVjdDogYg0KDQr/DQo=", "internaldate": "02-Feb-2025 10:11:12 -0500"}
            ]}]}"#;
        let world = from_json(json).unwrap();
        assert_eq!(world.users.len(), 3, "the default users");
        let mb = world.store.by_name("Caf&AOk-/Re&AOc-us").unwrap();
        assert_eq!(mb.messages[0].uid, Uid(7));
        assert_eq!(mb.messages[1].uid, Uid(8));
        assert!(mb.messages[0]
            .flags
            .contains(&Flag::Keyword("$Work".into())));
        assert_eq!(&*mb.messages[1].data.raw, b"Subject: b\r\n\r\n\xff\r\n");
        assert_eq!(mb.messages[1].data.internal_date.zone_minutes, -300);
        assert!(world.store.by_name("Caf&AOk-").is_some(), "the parent");
        let again = from_json(export_world(&world).as_bytes()).unwrap();
        let mb2 = again.store.by_name("Caf&AOk-/Re&AOc-us").unwrap();
        assert_eq!(mb2.messages[1].data.raw, mb.messages[1].data.raw);
    }

    #[test]
    fn bad_files_are_errors_naming_the_entry() {
        let err = |json: &str| from_json(json.as_bytes()).unwrap_err();
        assert!(err("{").contains("EOF"));
        assert!(err(r#"{"format": "other"}"#).contains("reads"));
        assert!(err(r#"{"format": "imap-sandbox world 1", "extra": 1}"#).contains("extra"));
        let m = |msg: &str| {
            err(&format!(
                r#"{{"format": "imap-sandbox world 1", "mailboxes": [{{"name": "A", "messages": [{msg}]}}]}}"#
            ))
        };
        assert!(m(r#"{}"#).contains("message 1: no \"raw\""));
        assert!(m(r#"{"raw": "x", "flags": ["\\Recent"]}"#).contains("\\Recent"));
        assert!(m(r#"{"raw": "x", "flags": ["a b"]}"#).contains("not a flag"));
        assert!(m(r#"{"raw": "x", "internaldate": "yesterday"}"#).contains("date-time"));
        assert!(m(r#"{"raw_base64": "!!"}"#).contains("base64"));
        assert!(m(r#"{"raw": "x", "uid": 5}, {"raw": "y", "uid": 5}"#).contains("ascend"));
        assert!(m(r#"{"raw": ""}"#).contains("empty"));
    }

    #[test]
    fn mbox_splits_at_from_lines_and_unquotes() {
        let text = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From the start\nline\n\nFrom c@d Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody From x\n";
        let world = mbox(text);
        let inbox = world.store.by_name("INBOX").unwrap();
        assert_eq!(inbox.messages.len(), 2);
        assert_eq!(
            &*inbox.messages[0].data.raw,
            b"Subject: one\r\n\r\nFrom the start\r\nline\r\n"
        );
        assert_eq!(
            &*inbox.messages[1].data.raw,
            b"Subject: two\r\n\r\nbody From x\r\n"
        );
    }

    #[test]
    fn maildir_folders_and_flags() {
        let root =
            std::env::temp_dir().join(format!("imap-sandbox-maildir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for d in ["cur", "new", "tmp", ".Work.Q1/cur", ".Work.Q1/new"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        std::fs::write(root.join("cur/1.a:2,FS"), "Subject: s\n\nx\n").unwrap();
        std::fs::write(root.join("new/2.b"), "Subject: n\r\n\r\ny\r\n").unwrap();
        std::fs::write(root.join(".Work.Q1/cur/3.c:2,T"), "Subject: w\n\nz\n").unwrap();
        let world = maildir(&root).unwrap();
        let inbox = world.store.by_name("INBOX").unwrap();
        assert_eq!(inbox.messages.len(), 2);
        assert_eq!(&*inbox.messages[0].data.raw, b"Subject: s\r\n\r\nx\r\n");
        assert!(inbox.messages[0].flags.contains(&Flag::Seen));
        assert!(inbox.messages[0].flags.contains(&Flag::Flagged));
        assert!(!inbox.messages[1].flags.contains(&Flag::Seen));
        let work = world.store.by_name("Work/Q1").unwrap();
        assert!(work.messages[0].flags.contains(&Flag::Deleted));
        assert!(maildir(&root.join("cur")).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn base64_both_ways() {
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            b"\xff\x00",
        ] {
            assert_eq!(base64_decode(&base64_encode(data)).unwrap(), data);
        }
        // RFC 4648 §10.
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        // One line however long; strict where MIME's decoder is lenient.
        assert!(!base64_encode(&[7; 300]).contains(['\r', '\n']));
        assert_eq!(base64_decode("Zm9v\r\nYmFy").unwrap(), b"foobar");
        assert_eq!(base64_decode("Zm8").unwrap(), b"fo");
        assert!(base64_decode("Zm8=Zm8=")
            .unwrap_err()
            .contains("after padding"));
        assert!(base64_decode("Zm*8").unwrap_err().contains("'*'"));
    }
}

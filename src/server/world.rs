//! The starting world: users and mailboxes. [`World::default_world`] is what the page, the
//! native server and the tests use unless told otherwise:
//!
//! - users `alice`, `bob` and `carol`, each with its own name as password;
//! - one store shared by all users (a sandbox: every user sees the same mailboxes, which is
//!   what lets three clients meet in one mailbox whoever logs in);
//! - `INBOX` with MIME-rich messages, `FOO` with the seven messages of the RFC 2180 §4.1
//!   scenario, `FRED` (the COPY target of RFC 2180 §4.4), `Archive`, `Archive/2024`, `Drafts`,
//!   `Sent` and `Trash` (`Archive`, `Drafts`, `Sent` and `Trash` with those special uses,
//!   RFC 6154 §2); every mailbox subscribed for every user.

use crate::protocol::types::{Date, DateTime, Flag};
use crate::server::mailstore::{Flags, MessageData, Store, SPECIAL_USES};
use crate::server::mime::samples::SAMPLE_MESSAGES;
use crate::server::{Server, User};

/// Users and store to start a [`crate::server::Server`] with: [`World::default_world`], or
/// your own, built from [`World::empty`].
///
/// ```
/// use imap_sandbox::server::{Policies, Server, World};
///
/// let world = World::empty()
///     .with_user("me", "secret")
///     .with_message("INBOX", b"Subject: hello\r\n\r\nHi!\r\n")
///     .with_message("Work/Reports", b"Subject: Q3\r\n\r\nNumbers.\r\n");
/// assert_eq!(world.store.by_name("Work/Reports").unwrap().messages.len(), 1);
/// let server = Server::new(world, Policies::default());
/// # let _ = server;
/// ```
#[derive(Debug, Clone)]
pub struct World {
    pub store: Store,
    pub users: Vec<User>,
}

/// Mailboxes of the default world, in creation order.
const MAILBOXES: &[&str] = &[
    "INBOX",
    "FOO",
    "FRED",
    "Archive",
    "Archive/2024",
    "Drafts",
    "Sent",
    "Trash",
];

impl World {
    /// No users, and only INBOX.
    pub fn empty() -> World {
        let mut store = Store::default();
        // cannot fail: a fresh store has no INBOX yet.
        let _ = store.create("INBOX");
        World {
            store,
            users: Vec::new(),
        }
    }

    /// Adds a user (or replaces its password).
    pub fn with_user(mut self, name: &str, password: &str) -> World {
        self.users.retain(|u| u.name != name);
        self.users.push(User {
            name: name.to_string(),
            password: password.to_string(),
        });
        self
    }

    /// Sets a user's quota limits (RFC 9208; see [`crate::server::Server::set_quota`]).
    pub fn with_quota(
        mut self,
        user: &str,
        limits: crate::server::mailstore::QuotaLimits,
    ) -> World {
        self.store.set_quota(user, limits);
        self
    }

    /// Appends a message (the raw RFC 5322 octets, CRLF line ends) to a mailbox, creating the
    /// mailbox (and its parents, RFC 3501 §6.3.3) when missing. No flags, INTERNALDATE
    /// 1-Jan-2024 00:00:00 +0000, not `\\Recent`; for anything else use [`World::store`]
    /// directly.
    pub fn with_message(mut self, mailbox: &str, raw: &[u8]) -> World {
        let id = match self.store.id_of(mailbox) {
            Some(id) => Some(id),
            None => self.store.create(mailbox).ok(),
        };
        if let Some(mb) = id.and_then(|id| self.store.get_mut(id)) {
            mb.append(
                MessageData::new(raw.to_vec(), datetime_from_unix(SANDBOX_EPOCH)),
                Flags::default(),
            );
            if let Some(m) = mb.messages.last_mut() {
                m.recent_unclaimed = false;
            }
        }
        self
    }

    /// The default world described in the module documentation.
    pub fn default_world() -> World {
        let mut world = World::default_mailboxes();
        store_sample_messages(&mut world.store);
        world
    }

    /// [`World::default_world`] without its messages: the users and every mailbox, subscribed,
    /// all empty. `Server::store_sample_messages` completes it; the page does so when the
    /// store is first needed, so that building its engine compiles and runs no message parsing
    /// before the first prompt (issue 14).
    pub fn default_mailboxes() -> World {
        let mut world = World::empty();
        for name in ["alice", "bob", "carol"] {
            world = world.with_user(name, name);
        }
        for name in MAILBOXES {
            let _ = world.store.create(name);
        }
        // RFC 6154 §2: the special-use mailboxes clients look for.
        for name in ["Archive", "Drafts", "Sent", "Trash"] {
            if let Some(mb) = world
                .store
                .id_of(name)
                .and_then(|id| world.store.get_mut(id))
            {
                mb.special_use = SPECIAL_USES
                    .iter()
                    .copied()
                    .filter(|u| *u == name)
                    .collect();
            }
        }
        let users: Vec<String> = world.users.iter().map(|u| u.name.clone()).collect();
        for user in &users {
            for name in MAILBOXES {
                world.store.subscribe(user, name);
            }
        }
        world
    }
}

/// Appends the default world's sample messages (the module documentation) to `store`'s INBOX and
/// FOO, made by [`World::default_mailboxes`].
fn store_sample_messages(store: &mut Store) {
    // Dates one day apart in early 2024, so SEARCH BEFORE / SINCE have something to find.
    for (day, (name, raw)) in (0i64..).zip(SAMPLE_MESSAGES) {
        // `foo-*` go to FOO, `inbox-*` to INBOX (see `mime::samples`).
        let mailbox = if name.starts_with("foo-") {
            "FOO"
        } else {
            "INBOX"
        };
        let Some(mb) = store.id_of(mailbox).and_then(|id| store.get_mut(id)) else {
            continue;
        };
        let date = datetime_from_unix(1_704_103_200 + day * 86_400 + 3_600 * 7);
        // The older INBOX messages have been read; FOO starts with no flags, as RFC 2180
        // §4.1's scenario does.
        let flags = if mailbox == "INBOX" && day < 9 {
            Flags::from_list(&[Flag::Seen])
        } else {
            Flags::default()
        };
        mb.append(MessageData::new(raw.to_vec(), date), flags);
        // The world starts with nothing recent: \Recent is for what arrives while you watch.
        if let Some(m) = mb.messages.last_mut() {
            m.recent_unclaimed = false;
        }
    }
}

impl Server {
    /// Stores the default world's sample messages in a server made over
    /// [`World::default_mailboxes`]. Called before any client's command has run (and only then:
    /// the messages are appended without telling any session), it leaves the server as
    /// [`World::default_world`] would have made it: the clients connected until then have only
    /// been greeted, which reads no mailbox.
    pub fn store_sample_messages(&mut self) {
        store_sample_messages(&mut self.store);
    }
}

/// The sandbox clock's epoch, 2024-01-01T00:00:00Z in seconds since 1970: the INTERNALDATE of
/// the default world's messages, and the fixed "now" of scenarios, tests, benchmarks and the
/// engine's clock under wasm32 until the page installs the browser's clock. One fixed instant, so
/// transcripts and known answers do not depend on when they run.
pub const SANDBOX_EPOCH: i64 = 1_704_067_200;

/// Converts seconds since 1970 (UTC) to a date-time in zone +0000, using the proleptic
/// Gregorian calendar (days-from-civil inverted by eras of 400 years).
pub fn datetime_from_unix(secs: i64) -> DateTime {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    DateTime {
        date: Date {
            year: u16::try_from(year.clamp(0, 9999)).unwrap_or(0),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        },
        hour: u8::try_from(rem / 3_600).unwrap_or(0),
        minute: u8::try_from(rem % 3_600 / 60).unwrap_or(0),
        second: u8::try_from(rem % 60).unwrap_or(0),
        zone_minutes: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_convert_to_calendar_dates() {
        let d = datetime_from_unix(0);
        assert_eq!((d.date.year, d.date.month, d.date.day), (1970, 1, 1));
        // 2024-02-29T12:34:56Z, a leap day.
        let d = datetime_from_unix(1_709_210_096);
        assert_eq!((d.date.year, d.date.month, d.date.day), (2024, 2, 29));
        assert_eq!((d.hour, d.minute, d.second), (12, 34, 56));
    }

    #[test]
    fn default_world_has_users_mailboxes_and_the_rfc_2180_mailbox() {
        let w = World::default_world();
        assert_eq!(w.users.len(), 3);
        for name in MAILBOXES {
            assert!(w.store.by_name(name).is_some(), "{name}");
        }
        assert_eq!(w.store.by_name("FOO").unwrap().messages.len(), 7);
    }

    #[test]
    fn the_sample_messages_stored_later_make_the_default_world() {
        let mut later = Server::new(World::default_mailboxes(), Default::default());
        assert!(later.store().by_name("INBOX").unwrap().messages.is_empty());
        // A client greeted before the messages are stored, as the page's panes are.
        let _ = later.connect();
        later.store_sample_messages();
        let now = World::default_world();
        for name in MAILBOXES {
            let (a, b) = (later.store().by_name(name), now.store.by_name(name));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{name}");
        }
    }
}

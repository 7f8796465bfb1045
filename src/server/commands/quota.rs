//! QUOTA (RFC 9208): GETQUOTA, GETQUOTAROOT and SETQUOTA, and the check by which APPEND, COPY
//! and MOVE refuse what would exceed a limit (set by them or through the control API); all
//! with the `quota` feature (without it, the page's build, the check is a no-op).
//!
//! The model: the store is shared by every user (`world.rs`), so each user has one quota root
//! that covers every mailbox, named `""` as RFC 9208 §4.2.2's first example names it (§3.2:
//! quota root names are implementation-defined and "SHOULD be treated as an opaque string by
//! any clients", so the name is no decision point). The root carries the user's own limits
//! (`Store::quota`); usage is the whole store's. A user with no limit has no quota root (§4.2.2:
//! a mailbox may have "no quota root associated with it, but one can be created"), and
//! SETQUOTA `""` creates it.

#[cfg(feature = "quota")]
use crate::protocol::types::Code;
use crate::server::{ClientId, Fail, Server};

/// The name of every user's one quota root (see the module documentation).
#[cfg(feature = "quota")]
const ROOT: &str = "";

impl Server {
    /// RFC 9208 §4.3.1: `NO [OVERQUOTA]` when adding `messages` messages of `octets` octets
    /// would put the store over one of `client`'s user's limits; the caller has changed
    /// nothing yet. The limits are hard (§3.1.2: "an implementation MAY choose ... to disallow
    /// any command if the limit on a resource is or would be exceeded"): nothing over them is
    /// stored, so there is no soft-quota warning (§4.3.1's untagged NO) to send.
    #[cfg(feature = "quota")]
    pub(crate) fn check_quota(
        &self,
        client: ClientId,
        octets: u64,
        messages: u64,
        verb: &str,
    ) -> Result<(), Fail> {
        let limits = self.store.quota(&self.user_of(client));
        if !limits.any() {
            return Ok(());
        }
        let usage = self.store.quota_usage();
        if !limits.exceeded_by(usage, octets, messages) {
            return Ok(());
        }
        let mut over = Vec::new();
        if let Some(kib) = limits.storage_kib {
            let after = usage.octets.saturating_add(octets).div_ceil(1024);
            if after > kib {
                over.push(format!("STORAGE would be {after} of {kib} KiB"));
            }
        }
        if let Some(max) = limits.messages {
            let after = usage.messages.saturating_add(messages);
            if after > max {
                over.push(format!("MESSAGE would be {after} of {max}"));
            }
        }
        Err(Fail::no(format!(
            "{verb} refused: over quota ({}); nothing was stored",
            over.join(", ")
        ))
        .with_code(Code::OverQuota))
    }

    /// Without the `quota` feature (the page's build) no limit can be set: nothing to check.
    #[cfg(not(feature = "quota"))]
    pub(crate) fn check_quota(
        &self,
        _client: ClientId,
        _octets: u64,
        _messages: u64,
        _verb: &str,
    ) -> Result<(), Fail> {
        Ok(())
    }
}

#[cfg(feature = "quota")]
mod handlers {
    use super::ROOT;
    use crate::protocol::types::{Code, Data, MailboxName, QuotaResource, Response};
    use crate::server::mailstore::{QuotaLimits, QuotaUsage};
    use crate::server::policy::{Citation, QuotaSet};
    use crate::server::{ClientId, CmdResult, Done, Fail, Server};

    /// The QUOTA response's triplets for these limits (RFC 9208 §4.2.1: "Resources not named in
    /// the list are not limited").
    fn resources(limits: QuotaLimits, usage: QuotaUsage) -> Vec<QuotaResource> {
        let mut out = Vec::new();
        if let Some(limit) = limits.storage_kib {
            out.push(QuotaResource {
                name: "STORAGE".into(),
                usage: usage.storage_kib(),
                limit,
            });
        }
        if let Some(limit) = limits.messages {
            out.push(QuotaResource {
                name: "MESSAGE".into(),
                usage: usage.messages,
                limit,
            });
        }
        out
    }

    impl Server {
        /// The user's QUOTA response, when the root exists (it has a limit).
        fn quota_data(&self, client: ClientId) -> Option<Data> {
            let limits = self.store.quota(&self.user_of(client));
            limits.any().then(|| Data::Quota {
                root: ROOT.to_string(),
                resources: resources(limits, self.store.quota_usage()),
            })
        }

        fn no_such_root(root: &str) -> Fail {
            Fail::no(format!(
                "No quota root {root:?}: the one quota root here is \"\", once a limit is set"
            ))
            .with_code(Code::Nonexistent)
        }

        /// GETQUOTA (RFC 9208 §4.1.1): "NO - getquota error: no such quota root".
        pub(crate) fn handle_getquota(&mut self, client: ClientId, root: &str) -> CmdResult {
            let data = match (root == ROOT, self.quota_data(client)) {
                (true, Some(data)) => data,
                _ => return Err(Self::no_such_root(root)),
            };
            self.send(client, Response::Data(data), None);
            Ok(Done::text("GETQUOTA completed"))
        }

        /// GETQUOTAROOT (RFC 9208 §4.1.2): QUOTAROOT, then QUOTA for each root. "the mailbox
        /// name parameter doesn't have to reference an existing mailbox", so any name is
        /// answered.
        pub(crate) fn handle_getquotaroot(
            &mut self,
            client: ClientId,
            mailbox: &MailboxName,
        ) -> CmdResult {
            let quota = self.quota_data(client);
            let roots = quota.iter().map(|_| ROOT.to_string()).collect();
            let root = Data::QuotaRoot {
                mailbox: mailbox.clone(),
                roots,
            };
            self.send(client, Response::Data(root), None);
            if let Some(data) = quota {
                self.send(client, Response::Data(data), None);
            }
            Ok(Done::text("GETQUOTAROOT completed"))
        }

        /// SETQUOTA (RFC 9208 §4.1.3): the limits replace all the root's previous ones
        /// ("Any previous resource limits for the named quota root are discarded"); an empty
        /// list removes the root. Whether a user may set their own root's limits is the
        /// `setquota` decision point (RFC 9208 §4.1.3, §6). Only STORAGE and MESSAGE can be
        /// limited ("A client MUST be prepared for a SETQUOTA command to fail if a limit cannot
        /// be set", §3.2); the untagged QUOTA tells the limits now in force.
        pub(crate) fn handle_setquota(
            &mut self,
            client: ClientId,
            root: &str,
            limits: &[(String, u64)],
        ) -> CmdResult {
            let policy = self.policies.quota_set;
            match policy {
                QuotaSet::Allow => {}
                // RFC 9208 §6: the administrator's right.
                QuotaSet::Refuse => {
                    return Err(Fail::no(
                        "Quota limits are set by the administrator here, not by SETQUOTA",
                    )
                    .with_code(Code::NoPerm)
                    .cite(Citation::of(policy)))
                }
            }
            if root != ROOT {
                return Err(Fail::no(format!(
                    "Quota root {root:?} cannot be set: the one quota root here is \"\""
                ))
                .with_code(Code::Cannot));
            }
            let mut new = QuotaLimits::default();
            for (name, limit) in limits {
                match name.as_str() {
                    "STORAGE" => new.storage_kib = Some(*limit),
                    "MESSAGE" => new.messages = Some(*limit),
                    _ => {
                        return Err(Fail::no(format!(
                            "Resource {name} cannot be limited here (STORAGE and MESSAGE can)"
                        ))
                        .with_code(Code::Cannot))
                    }
                }
            }
            let user = self.user_of(client);
            self.store.set_quota(&user, new);
            if let Some(data) = self.quota_data(client) {
                self.send(client, Response::Data(data), None);
            }
            Ok(Done::text("SETQUOTA completed").cite(Citation::of(policy)))
        }
    }
}

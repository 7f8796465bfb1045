//! Commands (RFC 3501 §6) as wire bytes, for test clients and the scenario player; literals
//! in synchronizing form.

use super::response::{status_item_name, write_id_params, write_section, write_section_binary};
use super::*;

/// Writes one command, `tag SP body CRLF`, with literals in synchronizing form.
pub fn encode_command(c: &Command, out: &mut Vec<u8>) {
    write_atom(&c.tag.0, out);
    out.push(b' ');
    write_command_body(&c.body, out);
    out.extend_from_slice(CRLF);
}

/// [`encode_command`] as a string (lossy UTF-8), for tests and the page.
pub fn command_to_string(c: &Command) -> String {
    let mut out = Vec::new();
    encode_command(c, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn write_command_body(body: &CommandBody, out: &mut Vec<u8>) {
    // The keyword(s): `CommandBody::name` is the wire spelling, "UID " prefix included.
    write_atom(body.name(), out);
    match body {
        CommandBody::Capability
        | CommandBody::Noop
        | CommandBody::Logout
        | CommandBody::StartTls
        | CommandBody::Namespace
        | CommandBody::Idle
        | CommandBody::Check
        | CommandBody::Close
        | CommandBody::Expunge
        | CommandBody::Unselect => {}
        // RFC 5267 §5: `"CANCELUPDATE" 1*(SP quoted)`.
        CommandBody::CancelUpdate { tags } => {
            for t in tags {
                out.push(b' ');
                write_quoted(t.as_bytes(), out);
            }
        }
        // RFC 3501 §6.2.2, RFC 4959 §3: `"AUTHENTICATE" SP auth-type [SP (base64 / "=")]`.
        CommandBody::Authenticate {
            mechanism,
            initial_response,
        } => {
            out.push(b' ');
            write_atom(mechanism, out);
            if let Some(ir) = initial_response {
                out.push(b' ');
                write_atom(ir, out);
            }
        }
        // RFC 3501 §6.2.3: `"LOGIN" SP userid SP password`, both astrings.
        CommandBody::Login { username, password } => {
            out.push(b' ');
            write_astring(username, out);
            out.push(b' ');
            write_astring(password, out);
        }
        // RFC 4466 §2.1: `select-params = SP "(" select-param *(SP select-param) ")"`.
        CommandBody::Select { mailbox, params } | CommandBody::Examine { mailbox, params } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            if !params.is_empty() {
                out.push(b' ');
                write_paren_list(params, out, write_select_param);
            }
        }
        // RFC 6154 §6: `create-param =/ "USE" SP "(" [use-attr *(SP use-attr)] ")"`.
        CommandBody::Create {
            mailbox,
            special_use,
        } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            if let Some(attrs) = special_use {
                write_atom(" (USE ", out);
                write_paren_list(attrs, out, |a, out| {
                    out.push(b'\\');
                    write_atom(a, out);
                });
                out.push(b')');
            }
        }
        CommandBody::Delete { mailbox }
        | CommandBody::Subscribe { mailbox }
        | CommandBody::Unsubscribe { mailbox } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
        }
        CommandBody::Rename { from, to } => {
            out.push(b' ');
            write_mailbox(from, out);
            out.push(b' ');
            write_mailbox(to, out);
        }
        // RFC 3501 §9: `"LIST" SP mailbox SP list-mailbox`.
        CommandBody::List { reference, pattern } | CommandBody::Lsub { reference, pattern } => {
            out.push(b' ');
            write_mailbox(reference, out);
            out.push(b' ');
            write_list_mailbox(pattern, out);
        }
        // RFC 5258 §6: `"LIST" [SP list-select-opts] SP mailbox SP mbox-or-pat
        // [SP list-return-opts]`.
        CommandBody::ListExtended {
            select,
            reference,
            patterns,
            parenthesized,
            ret,
        } => {
            if let Some(opts) = select {
                out.push(b' ');
                write_paren_list(opts, out, |o, out| write_atom(select_opt_name(*o), out));
            }
            out.push(b' ');
            write_mailbox(reference, out);
            out.push(b' ');
            if *parenthesized {
                write_paren_list(patterns, out, write_list_mailbox);
            } else {
                write_spaced(patterns, out, write_list_mailbox);
            }
            if let Some(opts) = ret {
                write_atom(" RETURN ", out);
                write_paren_list(opts, out, write_return_opt);
            }
        }
        // RFC 3501 §9: `"STATUS" SP mailbox SP "(" status-att *(SP status-att) ")"`.
        CommandBody::Status { mailbox, items } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            out.push(b' ');
            write_paren_list(items, out, |i, out| write_atom(status_item_name(*i), out));
        }
        // RFC 3501 §9: `"APPEND" SP mailbox [SP flag-list] [SP date-time] SP literal`; an
        // empty flag list is left out, the message is always a literal.
        // RFC 3502 §6: MULTIAPPEND's further messages follow in the same form.
        CommandBody::Append {
            mailbox,
            flags,
            date,
            message,
            more,
            catenate,
        } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
            let first = std::iter::once((flags, date, message, catenate));
            for (flags, date, message, catenate) in first.chain(
                more.iter()
                    .map(|m| (&m.flags, &m.date, &m.message, &m.catenate)),
            ) {
                if !flags.is_empty() {
                    out.push(b' ');
                    write_flag_list(flags, out);
                }
                if let Some(date) = date {
                    out.push(b' ');
                    write_date_time(date, out);
                }
                out.push(b' ');
                // RFC 4469 §5: `"CATENATE" SP "(" cat-part *(SP cat-part) ")"`, each TEXT
                // part a literal, each URL an astring, written quoted as §A's examples do.
                if let Some(parts) = catenate {
                    write_atom("CATENATE ", out);
                    write_paren_list(parts, out, |part, out| match part {
                        CatPart::Text(text) => {
                            write_atom("TEXT ", out);
                            write_literal(text, out);
                        }
                        CatPart::Url(url) => {
                            write_atom("URL ", out);
                            write_string(url.as_bytes(), out);
                        }
                    });
                    continue;
                }
                // RFC 3516 §4.4: a message with NUL octets goes as a `literal8`.
                if message.contains(&0) {
                    write_literal8(message, out);
                } else {
                    write_literal(message, out);
                }
            }
        }
        // RFC 9208 §7: `"GETQUOTA" SP quota-root-name`, `"GETQUOTAROOT" SP mailbox`,
        // `"SETQUOTA" SP quota-root-name SP setquota-list`; a root name (an astring) is
        // written quoted, as RFC 9208 §4.1 writes them.
        #[cfg(feature = "quota")]
        CommandBody::GetQuota { root } => {
            out.push(b' ');
            write_string(root.as_bytes(), out);
        }
        #[cfg(feature = "quota")]
        CommandBody::GetQuotaRoot { mailbox } => {
            out.push(b' ');
            write_mailbox(mailbox, out);
        }
        #[cfg(feature = "quota")]
        CommandBody::SetQuota { root, limits } => {
            out.push(b' ');
            write_string(root.as_bytes(), out);
            out.push(b' ');
            write_paren_list(limits, out, |(name, limit), out| {
                write_atom(name, out);
                out.extend_from_slice(format!(" {limit}").as_bytes());
            });
        }
        // RFC 5161 §3.1: `"ENABLE" 1*(SP capability)`.
        CommandBody::Enable { capabilities } => {
            write_atoms_after(capabilities, out);
        }
        // RFC 2971 §4: `"ID" SP id_params_list`.
        CommandBody::Id { parameters } => {
            out.push(b' ');
            write_id_params(parameters.as_ref(), out);
        }
        // RFC 4315 §2.1: `"UID" SP "EXPUNGE" SP sequence-set`.
        CommandBody::UidExpunge { set } => {
            out.push(b' ');
            write_sequence_set(set, out);
        }
        // RFC 3501 §9: `"SEARCH" [SP "CHARSET" SP astring] 1*(SP search-key)`; RFC 4466
        // §2.6.1 `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP
        // search-return-opt)] ")"`.
        CommandBody::Search {
            charset,
            criteria,
            ret,
            ..
        } => {
            if let Some(opts) = ret {
                out.extend_from_slice(b" RETURN ");
                write_paren_list(opts, out, write_search_return_opt);
            }
            if let Some(charset) = charset {
                out.extend_from_slice(b" CHARSET ");
                write_astring(charset.as_bytes(), out);
            }
            for key in criteria {
                out.push(b' ');
                write_search_key(key, out);
            }
        }
        // RFC 5256 §5: `"SORT" SP sort-criteria SP search-criteria`,
        // `search-criteria = charset 1*(SP search-key)`; RFC 5267 §5 `extended-sort` puts
        // `search-return-opts` after the name.
        CommandBody::Sort {
            criteria,
            charset,
            search,
            #[cfg(feature = "sort-thread")]
            ret,
            ..
        } => {
            #[cfg(feature = "sort-thread")]
            if let Some(opts) = ret {
                write_return_opts(opts, out);
            }
            out.push(b' ');
            write_paren_list(criteria, out, |c, out| {
                if c.reverse {
                    write_atom("REVERSE ", out);
                }
                write_atom(sort_key_name(c.key), out);
            });
            write_search_criteria(charset, search, out);
        }
        // RFC 5256 §5: `"THREAD" SP thread-alg SP search-criteria`.
        CommandBody::Thread {
            algorithm,
            charset,
            search,
            ..
        } => {
            out.push(b' ');
            write_atom(
                match algorithm {
                    ThreadAlgorithm::OrderedSubject => "ORDEREDSUBJECT",
                    ThreadAlgorithm::References => "REFERENCES",
                    ThreadAlgorithm::Other(name) => name,
                },
                out,
            );
            write_search_criteria(charset, search, out);
        }
        // RFC 3501 §9: `"FETCH" SP sequence-set SP ("ALL" / "FULL" / "FAST" / fetch-att /
        // "(" fetch-att *(SP fetch-att) ")")`.
        // RFC 4466 §2.4 `fetch-modifiers`, RFC 7162 §7: `(CHANGEDSINCE n VANISHED)`.
        CommandBody::Fetch {
            set,
            items,
            modifiers,
            ..
        } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            write_fetch_items(items, out);
            let mut mods: Vec<Vec<u8>> = Vec::new();
            if let Some(n) = modifiers.changed_since {
                mods.push(format!("CHANGEDSINCE {n}").into_bytes());
            }
            if modifiers.vanished {
                mods.push(b"VANISHED".to_vec());
            }
            if !mods.is_empty() {
                out.push(b' ');
                write_paren_list(&mods, out, |m, out| out.extend_from_slice(m));
            }
        }
        // RFC 3501 §9: `"STORE" SP sequence-set SP store-att-flags`,
        // `store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))`.
        CommandBody::Store {
            set,
            kind,
            silent,
            flags,
            unchanged_since,
            ..
        } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            // RFC 4466 §2.5 `store-modifiers`, RFC 7162 §7 `"UNCHANGEDSINCE" SP
            // mod-sequence-valzer`.
            if let Some(n) = unchanged_since {
                out.extend_from_slice(format!("(UNCHANGEDSINCE {n}) ").as_bytes());
            }
            match kind {
                StoreKind::Replace => {}
                StoreKind::Add => out.push(b'+'),
                StoreKind::Remove => out.push(b'-'),
            }
            write_atom("FLAGS", out);
            if *silent {
                write_atom(".SILENT", out);
            }
            out.push(b' ');
            write_flag_list(flags, out);
        }
        // RFC 3501 §9 `copy`, RFC 6851 §3.1 `move`: `sequence-set SP mailbox`.
        CommandBody::Copy { set, mailbox, .. } | CommandBody::Move { set, mailbox, .. } => {
            out.push(b' ');
            write_sequence_set(set, out);
            out.push(b' ');
            write_mailbox(mailbox, out);
        }
        CommandBody::Notify(set) => super::notify::write_notify_args(set.as_ref(), out),
    }
}

/// `select-param` (RFC 7162 §7): `CONDSTORE` or `QRESYNC (uidvalidity mod-sequence-value
/// [known-uids] [(known-sequence-set known-uid-set)])`.
fn write_select_param(p: &SelectParam, out: &mut Vec<u8>) {
    match p {
        SelectParam::CondStore => write_atom("CONDSTORE", out),
        SelectParam::QResync(q) => {
            out.extend_from_slice(format!("QRESYNC ({} {}", q.uid_validity, q.mod_seq).as_bytes());
            if let Some(uids) = &q.known_uids {
                out.push(b' ');
                write_sequence_set(uids, out);
            }
            if let Some((seqs, uids)) = &q.seq_match {
                out.extend_from_slice(b" (");
                write_sequence_set(seqs, out);
                out.push(b' ');
                write_sequence_set(uids, out);
                out.push(b')');
            }
            out.push(b')');
        }
    }
}

/// `SP charset 1*(SP search-key)` (RFC 5256 §5 `search-criteria`).
fn write_search_criteria(charset: &str, keys: &[SearchKey], out: &mut Vec<u8>) {
    out.push(b' ');
    write_astring(charset.as_bytes(), out);
    for key in keys {
        out.push(b' ');
        write_search_key(key, out);
    }
}

/// `sort-key` (RFC 5256 §5, RFC 5957 §5).
fn sort_key_name(key: SortKey) -> &'static str {
    match key {
        SortKey::Arrival => "ARRIVAL",
        SortKey::Cc => "CC",
        SortKey::Date => "DATE",
        SortKey::From => "FROM",
        SortKey::Size => "SIZE",
        SortKey::Subject => "SUBJECT",
        SortKey::To => "TO",
        SortKey::DisplayFrom => "DISPLAYFROM",
        SortKey::DisplayTo => "DISPLAYTO",
    }
}

/// A macro, one bare `fetch-att`, or a parenthesized list, as the value recorded it.
fn write_fetch_items(items: &FetchItems, out: &mut Vec<u8>) {
    match items {
        FetchItems::All => write_atom("ALL", out),
        FetchItems::Fast => write_atom("FAST", out),
        FetchItems::Full => write_atom("FULL", out),
        FetchItems::List {
            items,
            parenthesized,
        } => match (items.as_slice(), parenthesized) {
            ([one], false) => write_fetch_att(one, out),
            _ => write_paren_list(items, out, write_fetch_att),
        },
    }
}

/// `fetch-att` (RFC 3501 §9), including `BODY[.PEEK] section ["<" number "." nz-number ">"]`.
pub(super) fn write_fetch_att(att: &FetchAtt, out: &mut Vec<u8>) {
    let name = match att {
        FetchAtt::Envelope => "ENVELOPE",
        FetchAtt::Flags => "FLAGS",
        FetchAtt::InternalDate => "INTERNALDATE",
        FetchAtt::Rfc822 => "RFC822",
        FetchAtt::Rfc822Header => "RFC822.HEADER",
        FetchAtt::Rfc822Size => "RFC822.SIZE",
        FetchAtt::Rfc822Text => "RFC822.TEXT",
        FetchAtt::Body => "BODY",
        FetchAtt::BodyStructure => "BODYSTRUCTURE",
        FetchAtt::Uid => "UID",
        FetchAtt::ModSeq => "MODSEQ",
        FetchAtt::BodySection {
            peek,
            section,
            partial,
        } => {
            write_atom(if *peek { "BODY.PEEK" } else { "BODY" }, out);
            write_section(section, out);
            if let Some((origin, count)) = partial {
                out.push(b'<');
                write_number(*origin, out);
                out.push(b'.');
                write_number(*count, out);
                out.push(b'>');
            }
            return;
        }
        // RFC 3516 §7: `"BINARY" [".PEEK"] section-binary [partial] / "BINARY.SIZE"
        // section-binary`.
        FetchAtt::Binary {
            peek,
            part,
            partial,
        } => {
            write_atom(if *peek { "BINARY.PEEK" } else { "BINARY" }, out);
            write_section_binary(part, out);
            if let Some((origin, count)) = partial {
                out.push(b'<');
                write_number(*origin, out);
                out.push(b'.');
                write_number(*count, out);
                out.push(b'>');
            }
            return;
        }
        FetchAtt::BinarySize { part } => {
            write_atom("BINARY.SIZE", out);
            write_section_binary(part, out);
            return;
        }
    };
    write_atom(name, out);
}

/// `search-return-opts = SP "RETURN" SP "(" [search-return-opt *(SP search-return-opt)] ")"`
/// (RFC 4466 §2.6.1), for the extended SORT (RFC 5267 §5); SEARCH writes the same inline, so
/// that the page's build (no SORT) does not change.
#[cfg(feature = "sort-thread")]
fn write_return_opts(opts: &[SearchReturnOpt], out: &mut Vec<u8>) {
    out.extend_from_slice(b" RETURN ");
    write_paren_list(opts, out, write_search_return_opt);
}

/// One `search-return-opt`, with PARTIAL's range (RFC 5267 §5) and UPDATE's fetch attributes
/// (RFC 5465 §8, written with a space before the list as its §7 example does).
fn write_search_return_opt(opt: &SearchReturnOpt, out: &mut Vec<u8>) {
    match opt {
        SearchReturnOpt::Partial(a, b) => {
            out.extend_from_slice(format!("PARTIAL {a}:{b}").as_bytes())
        }
        SearchReturnOpt::Update(atts) if !atts.is_empty() => {
            out.extend_from_slice(b"UPDATE ");
            write_paren_list(atts, out, write_fetch_att);
        }
        _ => out.extend_from_slice(search_return_opt(opt).as_bytes()),
    }
}

/// `search-return-opt` (RFC 4731 §4, RFC 5182 §3).
pub(crate) fn search_return_opt(opt: &SearchReturnOpt) -> &'static str {
    match opt {
        SearchReturnOpt::Min => "MIN",
        SearchReturnOpt::Max => "MAX",
        SearchReturnOpt::All => "ALL",
        SearchReturnOpt::Count => "COUNT",
        SearchReturnOpt::Save => "SAVE",
        SearchReturnOpt::Context => "CONTEXT",
        SearchReturnOpt::Update(_) => "UPDATE",
        SearchReturnOpt::Partial(..) => "PARTIAL",
    }
}

/// `search-key` (RFC 3501 §6.4.4, §9).
fn write_search_key(key: &SearchKey, out: &mut Vec<u8>) {
    let simple = match key {
        SearchKey::All => "ALL",
        SearchKey::Answered => "ANSWERED",
        SearchKey::Deleted => "DELETED",
        SearchKey::Draft => "DRAFT",
        SearchKey::Flagged => "FLAGGED",
        SearchKey::New => "NEW",
        SearchKey::Old => "OLD",
        SearchKey::Recent => "RECENT",
        SearchKey::Seen => "SEEN",
        SearchKey::Unanswered => "UNANSWERED",
        SearchKey::Undeleted => "UNDELETED",
        SearchKey::Undraft => "UNDRAFT",
        SearchKey::Unflagged => "UNFLAGGED",
        SearchKey::Unseen => "UNSEEN",
        SearchKey::Bcc(s) => return write_search_astring("BCC ", s, out),
        SearchKey::Body(s) => return write_search_astring("BODY ", s, out),
        SearchKey::Cc(s) => return write_search_astring("CC ", s, out),
        SearchKey::From(s) => return write_search_astring("FROM ", s, out),
        SearchKey::Subject(s) => return write_search_astring("SUBJECT ", s, out),
        SearchKey::Text(s) => return write_search_astring("TEXT ", s, out),
        SearchKey::To(s) => return write_search_astring("TO ", s, out),
        SearchKey::Before(d) => return write_search_date("BEFORE ", d, out),
        SearchKey::On(d) => return write_search_date("ON ", d, out),
        SearchKey::Since(d) => return write_search_date("SINCE ", d, out),
        SearchKey::SentBefore(d) => return write_search_date("SENTBEFORE ", d, out),
        SearchKey::SentOn(d) => return write_search_date("SENTON ", d, out),
        SearchKey::SentSince(d) => return write_search_date("SENTSINCE ", d, out),
        SearchKey::Larger(n) => return write_keyword_number("LARGER ", *n, out),
        SearchKey::Smaller(n) => return write_keyword_number("SMALLER ", *n, out),
        // `"HEADER" SP header-fld-name SP astring`
        SearchKey::Header(field, value) => {
            write_search_astring("HEADER ", field, out);
            out.push(b' ');
            write_astring(value, out);
            return;
        }
        // `"KEYWORD" SP flag-keyword`: the keyword is an atom.
        SearchKey::Keyword(k) => return write_keyword_atom("KEYWORD ", k, out),
        SearchKey::Unkeyword(k) => return write_keyword_atom("UNKEYWORD ", k, out),
        SearchKey::Not(inner) => {
            write_atom("NOT ", out);
            write_search_key(inner, out);
            return;
        }
        SearchKey::Or(a, b) => {
            write_atom("OR ", out);
            write_search_key(a, out);
            out.push(b' ');
            write_search_key(b, out);
            return;
        }
        SearchKey::Uid(set) => {
            write_atom("UID ", out);
            write_sequence_set(set, out);
            return;
        }
        SearchKey::SequenceSet(set) => {
            write_sequence_set(set, out);
            return;
        }
        // `"(" search-key *(SP search-key) ")"`
        // RFC 7162 §7: `"MODSEQ" [SP entry-name SP entry-type-req] SP mod-sequence-valzer`;
        // the entry name is always quoted (`entry-flag-name = DQUOTE ... DQUOTE`).
        SearchKey::ModSeq { entry, mod_seq } => {
            write_atom("MODSEQ ", out);
            if let Some((name, kind)) = entry {
                super::write_quoted(name, out);
                write_atom(
                    match kind {
                        EntryType::Priv => " priv ",
                        EntryType::Shared => " shared ",
                        EntryType::All => " all ",
                    },
                    out,
                );
            }
            out.extend_from_slice(mod_seq.to_string().as_bytes());
            return;
        }
        SearchKey::And(keys) => {
            write_paren_list(keys, out, write_search_key);
            return;
        }
    };
    write_atom(simple, out);
}

fn write_search_astring(keyword: &str, s: &[u8], out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_astring(s, out);
}

fn write_search_date(keyword: &str, d: &Date, out: &mut Vec<u8>) {
    write_atom(keyword, out);
    write_date(d, out);
}

fn select_opt_name(o: ListSelectOpt) -> &'static str {
    match o {
        ListSelectOpt::Subscribed => "SUBSCRIBED",
        ListSelectOpt::Remote => "REMOTE",
        ListSelectOpt::RecursiveMatch => "RECURSIVEMATCH",
        ListSelectOpt::SpecialUse => "SPECIAL-USE",
    }
}

/// RFC 5258 §6 `return-option`, RFC 5819 §4 `status-option`, RFC 6154 §6.
fn write_return_opt(o: &ListReturnOpt, out: &mut Vec<u8>) {
    match o {
        ListReturnOpt::Subscribed => write_atom("SUBSCRIBED", out),
        ListReturnOpt::Children => write_atom("CHILDREN", out),
        ListReturnOpt::SpecialUse => write_atom("SPECIAL-USE", out),
        ListReturnOpt::Status(items) => {
            write_atom("STATUS ", out);
            write_paren_list(items, out, |i, out| write_atom(status_item_name(*i), out));
        }
    }
}

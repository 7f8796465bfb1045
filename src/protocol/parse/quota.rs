//! QUOTA (RFC 9208 §7): GETQUOTA, GETQUOTAROOT and SETQUOTA (only with the `quota` feature),
//! and the QUOTA and QUOTAROOT responses: all only with the `quota` feature.

use super::core::{ascii, astring, atom, mod_sequence_valzer, paren_list, sp};
use super::mailbox::mailbox;
use super::{fail, PResult};
use crate::protocol::types::{CommandBody, Data, QuotaResource};

/// `quota-root-name = astring` (RFC 9208 §7), as UTF-8 text.
pub(crate) fn quota_root_name(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = astring(input)?;
    match String::from_utf8(name) {
        Ok(name) => Ok((rest, name)),
        Err(_) => fail(input, "Expected quota root name (invalid UTF-8)"),
    }
}

/// `resource-name = "STORAGE" / "MESSAGE" / "MAILBOX" / "ANNOTATION-STORAGE" /
/// resource-name-ext`, `resource-name-ext = atom` (RFC 9208 §7): upper-cased, since "all
/// alphabetic characters are case insensitive".
fn resource_name(input: &[u8]) -> PResult<'_, String> {
    let (rest, name) = match atom(input) {
        Ok(ok) => ok,
        Err(_) => return fail(input, "Expected resource name (STORAGE, MESSAGE, ...)"),
    };
    Ok((rest, ascii(name).to_ascii_uppercase()))
}

/// `number64` (RFC 9051 §9): 0 to 2^63 - 1.
fn number64(input: &[u8]) -> PResult<'_, u64> {
    mod_sequence_valzer(input)
}

/// `getquota = "GETQUOTA" SP quota-root-name` (RFC 9208 §7), after the command name.
pub(crate) fn getquota(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = sp(input)?;
    let (rest, root) = quota_root_name(rest)?;
    Ok((rest, CommandBody::GetQuota { root }))
}

/// `getquotaroot = "GETQUOTAROOT" SP mailbox` (RFC 9208 §7), after the command name.
pub(crate) fn getquotaroot(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = sp(input)?;
    let (rest, mailbox) = mailbox(rest)?;
    Ok((rest, CommandBody::GetQuotaRoot { mailbox }))
}

/// `setquota = "SETQUOTA" SP quota-root-name SP setquota-list`, `setquota-list = "("
/// [setquota-resource *(SP setquota-resource)] ")"`, `setquota-resource = resource-name SP
/// resource-limit` (RFC 9208 §7), after the command name. A resource named twice is refused:
/// the list gives each resource one limit.
pub(crate) fn setquota(input: &[u8]) -> PResult<'_, CommandBody> {
    let (rest, ()) = sp(input)?;
    let (rest, root) = quota_root_name(rest)?;
    let (rest, ()) = sp(rest)?;
    if rest.first() != Some(&b'(') {
        return fail(rest, "Expected ( before the SETQUOTA resource limits");
    }
    let (rest, limits) = paren_list(rest, true, |i| {
        let (r, name) = resource_name(i)?;
        let (r, ()) = sp(r)?;
        let (r, limit) = number64(r)?;
        Ok((r, (name, limit)))
    })?;
    let mut seen = std::collections::BTreeSet::new();
    if let Some((name, _)) = limits.iter().find(|(n, _)| !seen.insert(n.as_str())) {
        return fail(rest, format!("Resource {name} is given twice in SETQUOTA"));
    }
    Ok((rest, CommandBody::SetQuota { root, limits }))
}

/// `quota-response = "QUOTA" SP quota-root-name SP quota-list`, `quota-list = "("
/// quota-resource *(SP quota-resource) ")"` (RFC 9208 §7), after the word QUOTA. An empty
/// list is accepted as well: §4.2.1 says "zero or more triplets".
pub(crate) fn quota_response(input: &[u8]) -> PResult<'_, Data> {
    let (rest, ()) = sp(input)?;
    let (rest, root) = quota_root_name(rest)?;
    let (rest, ()) = sp(rest)?;
    if rest.first() != Some(&b'(') {
        return fail(rest, "Expected ( before the quota resources");
    }
    let (rest, resources) = paren_list(rest, true, |i| {
        let (r, name) = resource_name(i)?;
        let (r, ()) = sp(r)?;
        let (r, usage) = number64(r)?;
        let (r, ()) = sp(r)?;
        let (r, limit) = number64(r)?;
        Ok((r, QuotaResource { name, usage, limit }))
    })?;
    Ok((rest, Data::Quota { root, resources }))
}

/// `quotaroot-response = "QUOTAROOT" SP mailbox *(SP quota-root-name)` (RFC 9208 §7), after
/// the word QUOTAROOT.
pub(crate) fn quotaroot_response(input: &[u8]) -> PResult<'_, Data> {
    let (mut rest, ()) = sp(input)?;
    let (r, mailbox) = mailbox(rest)?;
    rest = r;
    let mut roots = Vec::new();
    while let Some((b' ', after)) = rest.split_first() {
        let (r, root) = quota_root_name(after)?;
        roots.push(root);
        rest = r;
    }
    Ok((rest, Data::QuotaRoot { mailbox, roots }))
}

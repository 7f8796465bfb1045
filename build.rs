//! Embeds the scenario library (`scenarios/*.imap`) for the wasm build, where there is no file
//! system: writes `$OUT_DIR/scenarios.rs`, an array of `(file name, text)`.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=scenarios");
    // Without the `sort-thread` feature (the page's build) the engine has no SORT or THREAD,
    // so their scenarios (RFC 5256, and RFC 5267's ESORT and CONTEXT=SORT) stay out of the
    // library, and the CAPABILITY lines the other scenarios expect lose the six capabilities
    // that build does not advertise.
    let sort_thread = std::env::var_os("CARGO_FEATURE_SORT_THREAD").is_some();
    // Without the `response-check` feature (the page's build) the player does not check the
    // engine's own output, and the `# cite:` lines (which check each response's citation, the
    // badges' source being the engine itself) are left out: 0.9 KB gzipped of the page's budget.
    let response_check = std::env::var_os("CARGO_FEATURE_RESPONSE_CHECK").is_some();
    // Likewise CATENATE (RFC 4469) and QUOTA (RFC 9208), features `catenate` and `quota`.
    let catenate = std::env::var_os("CARGO_FEATURE_CATENATE").is_some();
    let quota = std::env::var_os("CARGO_FEATURE_QUOTA").is_some();
    let mut names: Vec<_> = std::fs::read_dir("scenarios")
        .map(|dir| {
            dir.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "imap"))
                .filter(|p| {
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    (sort_thread || !needs_sort(&name))
                        && (catenate || !name.starts_with("rfc4469-"))
                        && (quota || !name.starts_with("rfc9208-"))
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("[\n");
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let abs = std::fs::canonicalize(&path).unwrap_or(path);
        if sort_thread && response_check && catenate && quota {
            let _ = writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                abs.display().to_string()
            );
        } else {
            let mut text = std::fs::read_to_string(&abs).unwrap_or_default();
            if !sort_thread {
                text = text.replace(
                    " SORT SORT=DISPLAY THREAD=ORDEREDSUBJECT THREAD=REFERENCES ESORT CONTEXT=SORT",
                    "",
                );
            }
            if !quota {
                text = text.replace(" QUOTA QUOTA=RES-STORAGE QUOTA=RES-MESSAGE QUOTASET", "");
            }
            if !catenate {
                text = text.replace(" BINARY CATENATE", " BINARY");
            }
            if !response_check {
                text = text
                    .lines()
                    .filter(|l| !l.starts_with("# cite:"))
                    .map(|l| format!("{l}\n"))
                    .collect();
            }
            // A `str`'s Debug form is a valid Rust string literal.
            let _ = writeln!(out, "    ({name:?}, {text:?}),");
        }
        println!("cargo:rerun-if-changed={}", abs.display());
    }
    out.push(']');
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("scenarios.rs");
    let _ = std::fs::write(dest, out);
}

/// A scenario of SORT or THREAD: RFC 5256's, and RFC 5267's about SORT (ESORT, CONTEXT=SORT),
/// which have `sort` in their names (`rfc5267-3.3-esort.imap`).
fn needs_sort(name: &str) -> bool {
    name.starts_with("rfc5256-") || (name.starts_with("rfc5267-") && name.contains("sort"))
}
